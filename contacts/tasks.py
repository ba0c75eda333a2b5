"""Beat's reachability refresh: one bounded batch per RCS channel, oldest answers first."""

from __future__ import annotations

from celery import shared_task

from inbox.services import reachability


@shared_task(name="contacts.tasks.refresh_contact_reachability", acks_late=True)
def refresh_contact_reachability() -> dict[int, int]:
    """Safe to run twice: a second run finds the batch fresh and asks about the next."""
    return reachability.refresh_all()
