"""Batched delivery: the outbox's fast path, many first attempts per claim.

One Celery task per message cost more CPU than the send itself (task overhead, about a
dozen queries in two transactions, one Redis call for the rate). A drain claims up to
OUTBOX_BATCH_SIZE queued rows under row locks (SKIP LOCKED, so drains on any number of
workers never take the same row), takes every rate slot in one Redis call, sends
concurrently from the process's send loop (inbox/send_loop.py) and records the answers
in one transaction.

The guarantees are the single path's (inbox/services/delivery.py):
- a row leaves `queued` only under its lock, so a re-run or a second drain never sends it
  twice; a row found `sending` is never sent again (the sweep fails it as "outcome unknown");
- each sender's slots come from the same Redis GCRA as the single path;
- consent is read in the claim transaction, the last moment before the slot wait;
- only first attempts (attempts = 0) on channels without a fallback are batched: retries
  keep their backoff and fallbacks keep their reachability check in `deliver`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from inbox import media_links, realtime, redis_client, send_loop
from inbox.adapters import (
    NotReachable,
    OptedOutError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from inbox.models import (
    Channel,
    Consent,
    ContactIdentity,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
    OrphanStatus,
)
from inbox.throttle import (
    Slot,
    Throttled,
    Throughput,
    await_slot,
    reserve_slot,
    reserve_slots,
)

from . import delivery
from .consent import opt_out_reason, record_consent
from .statuses import adopt_orphans, advance, transition

log = logging.getLogger(__name__)

KICK_KEY = "outbox:kick"
_DEFAULTS = {"OUTBOX_RATE_HEADROOM": 0.8, "OUTBOX_LATE_TOLERANCE": 0.05}
_RECORDED_FIELDS = ("provider_message_id", "status", "sent_at", "delivered_at", "read_at")


def _write_back(messages: list[Message]) -> None:
    """One UPDATE from arrays: bulk_update's CASE expressions cost more CPU to build
    than the sends they record."""
    meta = Message._meta
    columns = [meta.get_field(name).column for name in _RECORDED_FIELDS]
    types = ["text", "text", "timestamptz", "timestamptz", "timestamptz"]
    sets = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
    unnest = ", ".join(f"%s::{t}[]" for t in ["uuid", *types])
    names = ", ".join(qn(c) for c in ["id", *columns])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(meta.db_table)} AS m SET {sets} "
            f"FROM unnest({unnest}) AS v({names}) WHERE m.{qn(meta.pk.column)} = v.id",
            [[m.pk for m in messages]]
            + [[getattr(m, name) for m in messages] for name in _RECORDED_FIELDS],
        )


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def batch_size() -> int:
    return getattr(settings, "OUTBOX_BATCH_SIZE", 100)


def kick() -> None:
    """Make sure a drain will run; at most one is waiting at a time.

    The key means "a drain is queued and has not started": a drain deletes it before
    its first claim, so a row committed after that start kicks a new drain, and a row
    committed before it is seen by that claim. A lost task frees the key after 5 s,
    and the beat sweep kicks too.
    """
    from inbox.tasks import drain_outbox

    if redis_client.client().set(KICK_KEY, 1, nx=True, ex=5):
        drain_outbox.delay()


@dataclass
class Claimed:
    message: Message
    channel: Channel
    to: str
    slot: Slot
    limit: Throughput | None = None
    reslotted: bool = False  # missed its first slot and took a fresh one


@dataclass
class Claim:
    rows: int = 0
    sending: list[Claimed] = field(default_factory=list)
    throttled: dict[int, float] = field(default_factory=dict)  # channel id -> seconds


def _addresses(contact_ids: set[int]) -> dict[int, str]:
    """recipient_address for many contacts: a phone first, else the oldest identity."""
    best: dict[int, tuple[bool, int, str]] = {}
    for pk, contact_id, kind, value in ContactIdentity.objects.filter(
        contact_id__in=contact_ids
    ).values_list("pk", "contact_id", "kind", "value"):
        rank = (kind != "phone", pk, value)
        if contact_id not in best or rank < best[contact_id]:
            best[contact_id] = rank
    return {contact_id: rank[2] for contact_id, rank in best.items()}


def claim(limit: int, *, skip_channels: frozenset[int] = frozenset()) -> Claim:
    """Move up to `limit` first attempts from queued to sending, each with a rate slot.

    Rows whose sender has no slot within a second stay queued (their lock is released at
    commit) and are reported in `throttled`, so the caller skips that sender for a while.
    """
    now = timezone.now()
    result = Claim()
    refused: list[tuple[Message, str]] = []
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("conversation")
            .filter(
                status=MessageStatus.QUEUED,
                direction=Direction.OUTBOUND,
                attempts=0,
                channel__fallback__isnull=True,
                workspace__suspended_at__isnull=True,  # held until resume_workspace
            )
            .exclude(channel_id__in=skip_channels)
            .order_by("queued_at")[:limit]
        )
        result.rows = len(rows)
        if not rows:
            return result
        channels = Channel.objects.in_bulk({m.channel_id for m in rows})
        addresses = _addresses({m.conversation.contact_id for m in rows})
        opted_out = set(
            Consent.objects.filter(
                channel_id__in=channels, address__in=set(addresses.values()), opted_out=True
            ).values_list("channel_id", "address")
        )
        candidates = []
        for message in rows:
            channel = channels[message.channel_id]
            to = addresses.get(message.conversation.contact_id)
            if to is None:
                refused.append((message, "contact: has no address to send to"))
            elif (channel.pk, to) in opted_out:
                refused.append((message, opt_out_reason(channel, to) or "recipient: opted out"))
            else:
                candidates.append((message, channel, to))
        limits, priced = [], []
        for candidate in candidates:
            message, channel, to = candidate
            try:
                limit = channel.adapter.throughput(channel, to=to, content=message.content)
            except Exception as exc:  # one bad channel config must not stall the batch
                log.exception("throughput() failed for %s", message.pk)
                refused.append((message, f"Unexpected error preparing the send ({exc!r})"))
                continue
            priced.append(candidate)
            limits.append(_with_headroom(limit))
        limit_of = {id(c): lim for c, lim in zip(priced, limits, strict=True)}
        candidates = priced
        # A channel without a limit gets a slot that starts now.
        metered = [(c, lim) for c, lim in zip(candidates, limits, strict=True) if lim]
        slots = dict(
            zip(
                (id(c) for c, _ in metered),
                reserve_slots([lim for _, lim in metered]),
                strict=True,
            )
        )
        for candidate in candidates:
            slot = slots.get(id(candidate))
            if slot is None:
                slot = Slot(time.time(), time.monotonic())
            message, channel, to = candidate
            if isinstance(slot, float):
                wait = result.throttled.get(channel.pk, slot)
                result.throttled[channel.pk] = min(wait, slot)
                continue
            result.sending.append(Claimed(message, channel, to, slot, limit_of[id(candidate)]))
        ids = [c.message.pk for c in result.sending]
        if ids:
            Message.objects.filter(pk__in=ids).update(
                status=MessageStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
            )
            MessageStatusEvent.objects.bulk_create(
                MessageStatusEvent(
                    message=c.message, status=MessageStatus.SENDING, at=now, source="worker"
                )
                for c in result.sending
            )
        for c in result.sending:
            c.message.status = MessageStatus.SENDING
            c.message.sending_at = now
            c.message.attempts += 1
        for message, reason in refused:
            transition(message, MessageStatus.FAILED, source="worker", error_message=reason)
    return result


class Late(Exception):
    """The call could not leave within OUTBOX_LATE_TOLERANCE of its slot, so it did not
    leave at all: sent late, it would bunch with the next on-time sends at the provider
    and break the sender's rate in that second. It goes back to the queue, unsent."""


def _with_headroom(limit: Throughput | None) -> Throughput | None:
    """Slots a little closer than the provider's limit apart: a send may leave up to the
    late tolerance after its slot, and the provider counts arrivals, not our slots."""
    if limit is None:
        return None
    return replace(limit, per_second=limit.per_second * settings_value("OUTBOX_RATE_HEADROOM"))


def settings_value(name: str) -> float:
    return getattr(settings, name, _DEFAULTS[name])


async def _send(claimed: Claimed) -> tuple[SendResult | Exception, datetime]:
    """One call on the send loop: it leaves at its slot (never early) or not at all."""
    channel = claimed.channel
    tolerance = settings_value("OUTBOX_LATE_TOLERANCE")

    def missed() -> bool:
        return time.monotonic() - claimed.slot.local_start > tolerance

    await await_slot(claimed.slot)
    # A sender without a limit has no rate to break: its calls are never late.
    if claimed.limit is not None and missed():
        try:  # a fresh slot costs one Redis call; giving the row back costs a transaction
            claimed.slot = await asyncio.get_running_loop().run_in_executor(
                None, reserve_slot, claimed.limit
            )
            claimed.reslotted = True
        except Throttled:
            return Late(), timezone.now()
        await await_slot(claimed.slot)
        if missed():
            return Late(), timezone.now()
    try:
        result = await channel.adapter.asend(
            channel,
            to=claimed.to,
            content=media_links.for_provider(claimed.message.content, claimed.message.workspace_id),
            message_id=str(claimed.message.pk),
        )
    except Exception as exc:  # classified by the caller, with database access
        return exc, timezone.now()
    return result, timezone.now()


def send_all(batch: list[Claimed]) -> list[tuple[Claimed, SendResult | Exception, datetime]]:
    """Hands every call to the send loop at once; each waits for its own slot there, so
    a slow answer never holds up the next call. Blocks until all have answered."""
    futures = [(claimed, send_loop.submit(_send(claimed))) for claimed in batch]
    # "sending" is published while the calls wait on the loop; its receivers (webhooks,
    # realtime) cost a query each and stay on this thread, with the database.
    for claimed in batch:
        realtime.message_changed(claimed.message)
    return [(claimed, *future.result()) for claimed, future in futures]


def record(outcomes: list[tuple[Claimed, SendResult | Exception, datetime]]) -> dict[str, int]:
    """Accepted sends in one transaction; the rare errors one by one, as `deliver` does."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "late": 0}
    counts["reslotted"] = sum(c.reslotted for c, _r, _at in outcomes)
    late = [c.message for c, r, _at in outcomes if isinstance(r, Late)]
    if late:
        counts["late"] = _give_back(late)
    accepted = {c.message.pk: (r, at) for c, r, at in outcomes if isinstance(r, SendResult)}
    if accepted:
        with transaction.atomic():
            locked = list(
                Message.objects.select_for_update().filter(pk__in=accepted).order_by("pk")
            )
            events = []
            for message in locked:
                result, at = accepted[message.pk]
                message.provider_message_id = result.provider_message_id
                applies = advance(message, result.status, at=at) is not None
                events.append(
                    MessageStatusEvent(
                        message=message,
                        status=result.status,
                        at=at,
                        source="worker",
                        applied=applies,
                        raw=result.details or {},
                    )
                )
                if applies:
                    realtime.message_changed(message)
                    counts["sent"] += 1
            MessageStatusEvent.objects.bulk_create(events)
            _write_back(locked)
            orphans = set(
                OrphanStatus.objects.filter(
                    provider_message_id__in=[m.provider_message_id for m in locked]
                ).values_list("channel_id", "provider_message_id")
            )
            for message in locked:
                if (message.channel_id, message.provider_message_id) in orphans:
                    adopt_orphans(message)
    for claimed, exc, _at in outcomes:
        if isinstance(exc, SendResult | Late):
            continue
        message_id, channel = str(claimed.message.pk), claimed.channel
        if isinstance(exc, TransientSendError):
            outcome = delivery.requeue_for_retry(message_id, exc)
            counts["retry" if outcome == "queued" else "failed"] += 1
            continue
        if isinstance(exc, OptedOutError):
            record_consent(channel, claimed.to, opted_out=True, source="provider")
        if isinstance(exc, NotReachable | OptedOutError | PermanentSendError):
            delivery.fail(message_id, reason=exc.reason, code=exc.code)
        else:
            log.error("adapter %s crashed sending %s", channel.kind, message_id, exc_info=exc)
            delivery.fail(
                message_id, reason=f"Unexpected error while sending ({type(exc).__name__})"
            )
        counts["failed"] += 1
    return counts


def _give_back(messages: list[Message]) -> int:
    """Unsent late calls return to the queue as first attempts, at their old place."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update()
            .filter(pk__in=[m.pk for m in messages], status=MessageStatus.SENDING)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(
            status=MessageStatus.QUEUED, attempts=F("attempts") - 1
        )
        MessageStatusEvent.objects.bulk_create(
            MessageStatusEvent(
                message_id=pk,
                status=MessageStatus.QUEUED,
                at=now,
                source="worker",
                error_message="Not sent: too late for its rate slot; queued again",
            )
            for pk in ids
        )
        for message in messages:
            if message.pk in ids:
                message.status = MessageStatus.QUEUED
                message.attempts -= 1
                realtime.message_changed(message)
    return len(ids)


def drain() -> int:
    """Send first attempts until none is left; a full batch calls in another drain."""
    redis_client.client().delete(KICK_KEY)
    size, totals = batch_size(), Counter[str]()
    resting: dict[int, float] = {}  # channel id -> monotonic time its sender has room
    while True:
        now = time.monotonic()
        resting = {pk: until for pk, until in resting.items() if until > now}
        batch = claim(size, skip_channels=frozenset(resting))
        for pk, seconds in batch.throttled.items():
            resting[pk] = now + max(seconds, 0.05)  # refused: skip it, do not spin
        if not batch.rows:
            if not resting:
                break
            time.sleep(max(0.0, min(resting.values()) - time.monotonic()))
            continue
        if batch.rows == size:
            kick()  # a backlog: another worker thread helps (SKIP LOCKED keeps them apart)
        delivery.release_connection()
        totals["claims"] += 1
        for key, value in record(send_all(batch.sending)).items():
            totals[key] += value
    if totals["late"] or totals["reslotted"]:
        # Calls that missed their slot mean this worker has too little CPU for its load:
        # each left a gap in its sender's rate (and a late one is queued again).
        log.warning("outbox drain: %s", dict(totals))
    return totals["sent"]
