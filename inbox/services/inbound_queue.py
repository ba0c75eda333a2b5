"""Webhooks commit their events here; a worker applies them to the domain.

The webhook's own work is verify, parse and one insert, so a burst of thousands of
messages is absorbed at insert speed and the provider's 2xx still means "committed".
Applying (contact, conversation, message, push) happens in a worker moments later, in
arrival order per conversation (each conversation row is locked while it is applied).
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from inbox import jobs, redis_client
from inbox.adapters import Event, InboundMessage, TypingIndicator
from inbox.adapters.events import dedupe_key, from_record, to_record
from inbox.models import Channel, InboundEvent
from inbox.storable import storable

from .ingest import ingest, typing_from_customer

log = logging.getLogger(__name__)


def accept(channel: Channel, events: list[Event]) -> bool:
    """Commit one webhook's events (a provider's retry is absorbed by its dedupe key).

    The events' text is made storable first: a signed message with a NUL in it is the
    customer's message all the same, and refusing it would lose it to failing retries.
    """
    now = timezone.now()
    durable = []
    for event in storable(events):
        if isinstance(event, TypingIndicator):
            typing_from_customer(channel, event)  # ephemeral: live or not at all
            continue
        if isinstance(event, InboundMessage) and event.received_at is None:
            event = replace(event, received_at=now)  # arrival time orders the thread
        durable.append(event)
    if not durable:
        return False
    _insert_once(
        channel_id=channel.pk,
        kind=type(durable[0]).__name__,
        events=[list(to_record(e)) for e in durable],
        dedupe_key=next((k for k in map(dedupe_key, durable) if k), ""),
        received_at=now,
    )
    if settings.INBOUND_EVENTS_INLINE:
        apply_pending()
    else:
        transaction.on_commit(_kick)
    return True


def _insert_once(**row) -> None:
    """One INSERT ... ON CONFLICT DO NOTHING in one round trip.

    The webhook's whole cost is this statement, so it skips the ORM's bulk_create, which
    wraps even a single row in BEGIN/COMMIT (three round trips instead of one).
    """
    table = InboundEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (channel_id, kind, events, dedupe_key, received_at, error)"
            " VALUES (%s, %s, %s, %s, %s, '') ON CONFLICT DO NOTHING",
            [
                row["channel_id"],
                row["kind"],
                Jsonb(row["events"]),
                row["dedupe_key"],
                row["received_at"],
            ],
        )


KICK_KEY = "inbound-events:kick"


def _kick() -> None:
    """Wake a worker unless one is already awake (one Redis SET NX instead of a task).

    Safe against a lost wake-up: the worker clears the key only after it found nothing
    pending, then looks once more (see drain()); our row was committed before this add.
    """
    if redis_client.client().set(KICK_KEY, 1, nx=True, ex=30):
        jobs.enqueue(jobs.APPLY_INBOUND_EVENTS)


def drain() -> int:
    """Apply until nothing is pending, then stand down (the worker task's body).

    A full first batch means a backlog: one helper task joins so a second worker process
    shares it (rows are claimed with SKIP LOCKED, so they never apply the same event).
    """
    applied = 0
    helped = False
    while True:
        batch = apply_pending()
        applied += batch
        if batch >= BATCH and not helped:
            jobs.enqueue(jobs.HELP_APPLY_INBOUND_EVENTS)
            helped = True
        if batch:
            continue
        redis_client.client().delete(KICK_KEY)
        batch = apply_pending()  # anything committed while the key was still set
        applied += batch
        if not batch:
            return applied


BATCH = 200
# After this many failed applications an event is set aside for a person to look at
# (InboundEvent.gave_up_at, logged at ERROR); it keeps its payload, so nothing is lost.
MAX_APPLY_ATTEMPTS = 5


def apply_pending(limit: int = BATCH) -> int:
    """Apply waiting events, oldest first; safe to run from many workers at once."""
    ids = list(
        InboundEvent.objects.filter(applied_at__isnull=True, gave_up_at__isnull=True)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    applied = 0
    for pk in ids:
        applied += _apply_one(pk)
    return applied


def _apply_one(pk: int) -> int:
    with transaction.atomic():
        row = (
            InboundEvent.objects.select_for_update(skip_locked=True)
            .select_related("channel__workspace")
            .filter(pk=pk, applied_at__isnull=True, gave_up_at__isnull=True)
            .first()
        )
        if row is None:  # another worker has it, or had it
            return 0
        try:
            with transaction.atomic():
                ingest(row.channel, [from_record(kind, data) for kind, data in row.events])
        except Exception:
            row.attempts += 1
            row.error = traceback.format_exc()[-4000:]
            if row.attempts >= MAX_APPLY_ATTEMPTS:
                row.gave_up_at = timezone.now()
                log.error("inbound event %s set aside after %s attempts", pk, row.attempts)
            else:
                log.exception("inbound event %s could not be applied", pk)
            row.save(update_fields=["attempts", "error", "gave_up_at"])
            return 0
        row.applied_at = timezone.now()
        row.error = ""
        row.save(update_fields=["applied_at", "error"])
    return 1
