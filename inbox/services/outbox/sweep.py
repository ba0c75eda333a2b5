"""The sweep (beat's requeue_stuck_messages): a lost broker message must not lose a reply,
a worker that died mid-call must not leave a message `sending` for ever, and a message
held until a later time (`not_before`) is released once that time has come."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from inbox import jobs
from inbox.models import Message, MessageStatus

from . import enqueue
from .reconcile import reconcile_stuck
from .settings import outbox_settings


def requeue_stuck(now: datetime | None = None) -> dict[str, int]:
    """Queued too long: request the delivery again (the claim makes a duplicate harmless).
    Sending too long: the worker died mid-call and the provider may or may not have it,
    so the provider is asked (reconcile.py); only what it cannot settle is failed as
    "outcome unknown", and the agent can retry.
    """
    now = now or timezone.now()
    released = release_held(now)
    cutoff = now - timedelta(seconds=outbox_settings().stuck_after_seconds)
    queued = list(
        Message.objects.filter(
            status=MessageStatus.QUEUED,
            queued_at__lt=cutoff,
            not_before__isnull=True,  # held on purpose: released above when due
            workspace__suspended_at__isnull=True,  # held until the resume, not stuck
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in queued:
        jobs.enqueue(jobs.DELIVER_MESSAGE, str(pk))  # at once: these rows are long committed
    enqueue.kick()  # a lost drain task leaves first attempts queued; this drains them
    # Sending too long: the worker died mid-call; settled with the provider (reconcile.py).
    settled = reconcile_stuck(now)
    lost = settled.pop("unknown_outcome", 0)
    return {
        "requeued": len(queued),
        "unknown_outcome": lost,
        **({"released": released} if released else {}),
        **({"reconciled": dict(settled)} if settled else {}),
    }


RELEASE_BATCH = 1000
RELEASE_SECONDS = 20.0  # per sweep; a backlog left over goes on at the next sweep


def release_held(now: datetime | None = None) -> int:
    """Requests the delivery of held messages whose `not_before` has passed, oldest
    first: the mark is cleared and `queued_at` restarts under the row lock, so the
    drain's claim (which skips held rows) and the stuck-message rule see them from now."""
    now = now or timezone.now()
    deadline, released = time.monotonic() + RELEASE_SECONDS, 0
    while time.monotonic() < deadline:
        with transaction.atomic():
            rows = list(
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=MessageStatus.QUEUED, not_before__lte=now)
                .order_by("not_before")
                .values_list("pk", "channel__fallback_id")[:RELEASE_BATCH]
            )
            if not rows:
                break
            Message.objects.filter(pk__in=[pk for pk, _fb in rows]).update(
                not_before=None, queued_at=now
            )
            for pk, fallback_id in rows:
                if fallback_id:  # reachability lives in the single path
                    enqueue.delivery(pk)
            if any(not fallback_id for _pk, fallback_id in rows):
                transaction.on_commit(enqueue.kick)
        released += len(rows)
    return released
