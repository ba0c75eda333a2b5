"""Webhooks commit their events here; a worker applies them to the domain.

The webhook's own work is verify, parse and one insert, so a burst of thousands of
messages is absorbed at insert speed and the provider's 2xx still means "committed".
Applying (contact, conversation, message, push) happens in a worker moments later, in
arrival order per conversation (each conversation row is locked while it is applied).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from inbox import jobs, metrics, realtime, redis_client
from inbox.adapters import Event, InboundMessage, ReadReceipt, StatusUpdate, TypingIndicator
from inbox.adapters.events import dedupe_key, from_record, to_record
from inbox.models import Channel, InboundEvent, MessageStatus
from inbox.storable import storable

from .ingest import ingest, typing_from_customer
from .ingest_batch import ingest_messages
from .statuses import apply_statuses

log = logging.getLogger(__name__)


def accept(channel: Channel, events: list[Event]) -> bool:
    """Commit one webhook's events (a provider's retry is absorbed by its dedupe key).

    The events' text is made storable first: a signed message with a NUL in it is the
    customer's message all the same, and refusing it would lose it to failing retries.
    """
    row, typing = accepted_row(channel, events)
    for event in typing:
        typing_from_customer(channel, event)  # ephemeral: live or not at all
    if row is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, row.params())
    if settings.INBOUND_EVENTS_INLINE:
        apply_pending()
    else:
        transaction.on_commit(kick)
    return True


@dataclass(frozen=True)
class AcceptedRow:
    """One webhook's durable events as the InboundEvent row that keeps them."""

    channel_id: int
    kind: str
    events_json: str  # the events' records (to_record), as JSON
    dedupe_key: str
    received_at: datetime

    def params(self) -> list:
        return [self.channel_id, self.kind, self.events_json, self.dedupe_key, self.received_at]


# One INSERT ... ON CONFLICT DO NOTHING in one round trip: the webhook's whole cost is
# this statement, so it skips the ORM's bulk_create, which wraps even a single row in
# BEGIN/COMMIT (three round trips instead of one). The events arrive as JSON text
# (AcceptedRow.events_json: encoded once, for the storable check too).
_TABLE = InboundEvent._meta.db_table
_COLUMNS = "(channel_id, kind, events, dedupe_key, received_at, error)"
INSERT_SQL = (
    f"INSERT INTO {_TABLE} {_COLUMNS} VALUES (%s, %s, %s::jsonb, %s, %s, '') ON CONFLICT DO NOTHING"
)
_INSERTS: dict[int, str] = {}


def insert_sql(rows: int) -> str:
    """INSERT_SQL for `rows` rows in one statement, with PostgreSQL's own numbered
    placeholders ($1, $2, ...) for a raw cursor (psycopg's AsyncRawCursor: no query
    rewriting per call): the webhook lane's group commit (inbox/group_commit.py), the
    parameters each row's AcceptedRow.params() one after another. A retry inside the
    same statement is absorbed as across statements (DO NOTHING skips the second row)."""
    sql = _INSERTS.get(rows)
    if sql is None:
        values = ", ".join(
            f"(${n + 1}, ${n + 2}, ${n + 3}::jsonb, ${n + 4}, ${n + 5}, '')"
            for n in range(0, 5 * rows, 5)
        )
        sql = _INSERTS[rows] = (
            f"INSERT INTO {_TABLE} {_COLUMNS} VALUES {values} ON CONFLICT DO NOTHING"
        )
    return sql


# In JSON as json.dumps writes it (ASCII), what PostgreSQL may refuse: a NUL, and any
# surrogate (a lone one is refused; a pair, an emoji, is fine but looks the same here).
# An escaped backslash before "u0000" matches too: all of these only cost the full walk.
_MAYBE_UNSTORABLE = re.compile(r"\\u(?:0000|d[89a-f])")


def accepted_row(
    channel: Channel, events: list[Event]
) -> tuple[AcceptedRow | None, list[TypingIndicator]]:
    """The row to insert for a webhook's events (None: nothing durable), and its typing
    indicators, which are published live and never stored. No database access.

    Text is made storable (inbox/storable.py) only when the encoded events show
    something to fix: walking and rebuilding every event was a tenth of the web
    process's CPU per webhook, for the rare message with a NUL in it.
    """
    now = timezone.now()
    durable, typing = [], []
    for event in events:
        if isinstance(event, TypingIndicator):
            typing.append(event)
            continue
        if isinstance(event, InboundMessage) and event.received_at is None:
            event = replace(event, received_at=now)  # arrival time orders the thread
        durable.append(event)
    typing = storable(typing) if typing else typing
    if not durable:
        return None, typing
    records = [list(to_record(e)) for e in durable]
    text = json.dumps(records)
    if _MAYBE_UNSTORABLE.search(text):
        durable = storable(durable)
        records = [list(to_record(e)) for e in durable]
        text = json.dumps(records)
    row = AcceptedRow(
        channel_id=channel.pk,
        kind=type(durable[0]).__name__,
        events_json=text,
        dedupe_key=next((k for k in map(dedupe_key, durable) if k), ""),
        received_at=now,
    )
    return row, typing


KICK_KEY = "inbound-events:kick"
# The key's life. A key nobody will clear (its drainer died, or Redis restarted from a
# snapshot that held it) keeps webhooks from waking a worker for at most this long; a
# drainer still busy past it lets the next kick start a second one, which the partition
# locks make harmless. (30 s left a webhook after a Redis restart unapplied for 30 s.)
KICK_SECONDS = 10


def kick() -> None:
    """Wake a worker unless one is already awake (one Redis SET NX instead of a task).

    Safe against a lost wake-up: the worker clears the key only after it found nothing
    pending, then looks once more (see drain()); our row was committed before this add.
    The webhook lane does the same SET on its event loop and then calls wake_worker.
    """
    try:
        if redis_client.client().set(KICK_KEY, 1, nx=True, ex=KICK_SECONDS):
            wake_worker()
    except redis_client.UNAVAILABLE:  # committed: beat's sweep applies it
        log.warning("Redis unavailable: no worker woken; the inbound sweep applies it")


def wake_worker() -> None:
    """The task a kick sends when no worker was awake (its SET NX succeeded)."""
    jobs.enqueue(jobs.APPLY_INBOUND_EVENTS)


def drain() -> int:
    """Apply until nothing is pending, then stand down (the worker task's body).

    Each partition applies one batch at a time (see apply_pending): a worker takes the
    partitions nobody else is applying. A full batch means a backlog, so one helper task
    joins once to take the partitions this worker cannot get to first. The wake-up key
    is cleared only after every partition this worker could take was found empty, then
    each is looked at once more (anything committed while the key was still set).
    """
    applied = 0
    helped = False
    while True:
        batches = [_apply_batch(part, settings.INBOUND_APPLY_BATCH) for part in _partitions()]
        applied += sum(b or 0 for b in batches)
        if any(b for b in batches):
            if not helped and max(b or 0 for b in batches) >= settings.INBOUND_APPLY_BATCH:
                jobs.enqueue(jobs.HELP_APPLY_INBOUND_EVENTS)
                helped = True
            continue
        redis_client.client().delete(KICK_KEY)
        late = sum(_apply_batch(part, settings.INBOUND_APPLY_BATCH) or 0 for part in _partitions())
        applied += late
        if not late:
            return applied


def _partitions() -> range:
    return range(max(1, settings.INBOUND_APPLY_PARTITIONS))


# After this many failed applications an event is set aside for a person to look at
# (InboundEvent.gave_up_at, logged at ERROR); it keeps its payload, so nothing is lost.
MAX_APPLY_ATTEMPTS = 5
# pg_try_advisory_xact_lock(APPLY_LOCK, partition): one batch per partition at a time.
APPLY_LOCK = 0x1B0E_E7
# The partition of an event: its customer's address (messages, consent) or the provider's
# message id (delivery reports), so one conversation's events always share a partition.
_PARTITION_KEY = (
    "(hashtext(coalesce(events->0->1->>'sender', events->0->1->>'provider_message_id', ''))"
    " & 2147483647) %% %s"
)


def apply_pending(limit: int | None = None) -> int:
    """Apply waiting events, oldest first, many per transaction; safe from many workers.

    Events fall into INBOUND_APPLY_PARTITIONS partitions by customer (or, for a delivery
    report, by message), and each partition applies one batch at a time (an advisory
    lock), so a conversation's events apply in arrival order and two batches never hold
    locks on the same conversations in opposite orders; the partitions apply side by
    side in different workers. A batch claims up to `limit` events (SKIP LOCKED),
    applies them in one transaction (delivery reports set-based, one realtime publish
    per group) and marks them applied in one UPDATE. If anything in the batch fails, it
    rolls back and its events are applied one by one in their own transactions, so the
    event that failed is found and counted toward its cap and the others still apply.
    """
    limit = limit or settings.INBOUND_APPLY_BATCH
    return sum(_apply_batch(part, limit) or 0 for part in _partitions())


def _apply_batch(partition: int, limit: int) -> int | None:
    """Events applied by one batch; None when another worker holds the partition."""
    parts = max(1, settings.INBOUND_APPLY_PARTITIONS)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [APPLY_LOCK, partition])
            if not cursor.fetchone()[0]:
                return None
        rows = list(
            InboundEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(applied_at__isnull=True, gave_up_at__isnull=True)
            .annotate(partition=RawSQL(_PARTITION_KEY, [parts]))
            .filter(partition=partition)
            .order_by("received_at", "pk")[:limit]
        )
        if not rows:
            return 0
        _with_channels(rows)
        try:
            with transaction.atomic(), realtime.batched():
                _apply_rows(rows)
        except Exception:
            log.warning("batch of %d inbound events failed; applying one by one", len(rows))
        else:
            now = timezone.now()
            InboundEvent.objects.filter(pk__in=[row.pk for row in rows]).update(
                applied_at=now, error=""
            )
            transaction.on_commit(lambda: _count_applied(rows, now))
            return len(rows)
    return sum(_apply_one(row.pk) for row in rows)


def _with_channels(rows: list[InboundEvent]) -> None:
    """Give each claimed row its channel (and workspace), read once per channel.

    A batch's events nearly all share one channel; joining it into the claim built a
    Channel and a Workspace (config decoded, every column converted) for every row of
    up to INBOUND_APPLY_BATCH. The rows' FOR UPDATE keeps their channel from being
    deleted under the batch (its cascade deletes these rows first and waits for their
    locks).
    """
    channels = Channel.objects.select_related("workspace").in_bulk({row.channel_id for row in rows})
    for row in rows:
        row.channel = channels[row.channel_id]


def _apply_rows(rows: list[InboundEvent]) -> None:
    """Each row's events in arrival order; customer messages and delivery reports each
    gathered and applied together (ingest_batch.ingest_messages, apply_statuses).

    Reports only touch our outbound messages and an inbound message never gets one, so
    gathering them does not reorder anything a reader can see; customer messages keep
    their order per conversation (ingest_messages). Before any other kind of event
    (consent, revocation) what was gathered so far is applied first.
    """
    reports: list[tuple[Channel, StatusUpdate]] = []
    messages: list[tuple[Channel, InboundMessage]] = []
    for row in rows:
        others = []
        for kind, data in row.events:
            event = from_record(kind, data)
            if isinstance(event, StatusUpdate):
                reports.append((row.channel, event))
            elif isinstance(event, ReadReceipt):
                read = StatusUpdate(event.provider_message_id, MessageStatus.READ, at=event.at)
                reports.append((row.channel, read))
            else:
                others.append(event)
        if not others:
            continue
        if all(isinstance(event, InboundMessage) for event in others):
            messages += [(row.channel, event) for event in others]  # applied set-based
            continue
        # Anything else (consent, revocation) waits for what arrived before it.
        ingest_messages(messages)
        apply_statuses(reports)
        messages, reports = [], []
        ingest(row.channel, others)  # together: one webhook's events inform each other
    ingest_messages(messages)
    apply_statuses(reports)


def _count_applied(rows: list[InboundEvent], at) -> None:
    metrics.APPLY_BATCH.observe(len(rows))
    metrics.EVENTS_APPLIED.inc(len(rows))
    for row in rows:
        metrics.APPLY_LAG.observe(max(0.0, (at - row.received_at).total_seconds()))


def _apply_one(pk: int) -> int:
    with transaction.atomic():
        row = (
            InboundEvent.objects.select_for_update(skip_locked=True, of=("self",))
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
                transaction.on_commit(metrics.EVENTS_SET_ASIDE.inc)
            else:
                log.exception("inbound event %s could not be applied", pk)
            row.save(update_fields=["attempts", "error", "gave_up_at"])
            return 0
        row.applied_at = timezone.now()
        row.error = ""
        row.save(update_fields=["applied_at", "error"])
        transaction.on_commit(lambda: _count_applied([row], row.applied_at))
    return 1
