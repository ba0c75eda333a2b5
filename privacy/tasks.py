"""Celery tasks of privacy: the retention purge (thin: the rules live in services)."""

from __future__ import annotations

from celery import shared_task

from .services import retention


# Keeps the name it had in members.tasks: beat's schedule calls it by that name.
@shared_task(name="members.tasks.purge_expired_messages")
def purge_expired_messages() -> dict[str, int]:
    """Beat: apply every workspace's retention setting."""
    return retention.purge_all()
