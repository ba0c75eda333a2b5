"""Celery tasks for workspace administration (thin: the rules live in services)."""

from __future__ import annotations

from celery import shared_task

from members.services import retention


@shared_task
def purge_expired_messages() -> dict[str, int]:
    """Beat: apply every workspace's retention setting."""
    return retention.purge_all()
