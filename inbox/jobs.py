"""Background work a service asks for, by task name.

Tasks import services to run them; if services imported the tasks back to enqueue
them, every such pair would be an import cycle. Here a service names the task and the
Celery app sends it, the same message `task.delay()` would send
(tests/test_jobs.py checks each name below is a registered task).
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

from inbox import redis_client

log = logging.getLogger(__name__)

APPLY_INBOUND_EVENTS = "inbox.tasks.apply_inbound_events"
HELP_APPLY_INBOUND_EVENTS = "inbox.tasks.help_apply_inbound_events"
DELIVER_MESSAGE = "inbox.tasks.deliver_message"
DRAIN_OUTBOX = "inbox.tasks.drain_outbox"
FETCH_MEDIA = "inbox.tasks.fetch_media"
SEND_READ_RECEIPT = "inbox.tasks.send_read_receipt"
SEND_TYPING = "inbox.tasks.send_typing"
RUN_CONTACT_IMPORT = "inbox.tasks.run_contact_import"
EXPAND_CAMPAIGN = "inbox.tasks.expand_campaign"
PUBLISH_CAMPAIGN_PROGRESS = "inbox.tasks.publish_campaign_progress"


def enqueue(task: str, *args: object, countdown: float | None = None) -> None:
    """Send `task` to the broker now; a worker runs it `countdown` seconds from now."""
    current_app.send_task(task, args=args, countdown=countdown)


def enqueue_on_commit(task: str, *args: object, countdown: float | None = None) -> None:
    """Send `task` once the current transaction commits, so it never runs on a row that
    could still roll back (at once outside a transaction).

    After the commit the change stands: a broker outage is logged, never raised into the
    request that committed it, whose client would read the error as "not saved" and do it
    again (a reply sent twice). Beat's sweeps re-request from the database what has one.
    """
    transaction.on_commit(lambda: _enqueue_committed(task, args, countdown))


def _enqueue_committed(task: str, args: tuple, countdown: float | None) -> None:
    try:
        enqueue(task, *args, countdown=countdown)
    except redis_client.UNAVAILABLE:
        log.warning("broker unavailable: %s%r not requested after its commit", task, args)
