"""The sweep (beat's requeue_stuck_messages): a lost broker message must not lose a reply,
and a worker that died mid-call must not leave a message `sending` for ever."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from inbox import jobs
from inbox.models import Message, MessageStatus

from ..statuses import transition
from . import enqueue
from .settings import outbox_settings


def requeue_stuck(now: datetime | None = None) -> dict[str, int]:
    """Queued too long: request the delivery again (the claim makes a duplicate harmless).
    Sending too long: the worker died mid-call and the provider may or may not have it,
    so it is failed with that reason rather than risk a double send; the agent can retry.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=outbox_settings().stuck_after_seconds)
    queued = list(
        Message.objects.filter(
            status=MessageStatus.QUEUED,
            queued_at__lt=cutoff,
            workspace__suspended_at__isnull=True,  # held until the resume, not stuck
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in queued:
        jobs.enqueue(jobs.DELIVER_MESSAGE, str(pk))  # at once: these rows are long committed
    enqueue.kick()  # a lost drain task leaves first attempts queued; this drains them
    lost = 0
    for pk in Message.objects.filter(
        status=MessageStatus.SENDING, sending_at__lt=cutoff - timedelta(minutes=10)
    ).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=pk)
            if message.status == MessageStatus.SENDING:
                lost += transition(
                    message,
                    MessageStatus.FAILED,
                    source="sweep",
                    error_message="Outcome unknown: the worker stopped during the provider call",
                    force=True,
                )
    return {"requeued": len(queued), "unknown_outcome": lost}
