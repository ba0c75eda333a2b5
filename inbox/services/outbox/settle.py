"""Settling a send: what the provider answered decides the message's next state, by the
same rules whichever path made the call.

- accepted: its reported status (usually `sent`), the provider id stored, orphaned
  callbacks adopted;
- TransientSendError: back to `queued` for a retry with backoff (scheduled by the path
  that called, see `settle`), or `failed` after OUTBOX_MAX_ATTEMPTS;
- NotReachable: the channel's fallback, once (`fall_back_or_fail`), else `failed`;
- ContentNotSupported (the device cannot show it): the channel's fallback, else the
  adapter's simpler rendering on the same channel, once (`not_supported`), else `failed`;
- OptedOutError: the opt-out ledger learns it, then `failed`;
- any other PermanentSendError (an address-guard refusal is one, code
  "address_refused"): `failed` with the provider's code and reason;
- OutcomeUnknown (the request left, no answer came): left `sending` for the sweep's
  reconcile (reconcile.py), which asks the provider;
- anything else is a bug, not an answer: `failed` at once, never retried blindly, since
  the provider may or may not have the message.

The batch path records its accepted sends in one transaction (`settle_batch`); its rare
errors go through `settle` one by one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox import realtime
from inbox.adapters import (
    ContentNotSupported,
    NotReachable,
    OptedOutError,
    OutcomeUnknown,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from inbox.backoff import backoff_seconds
from inbox.models import Channel, Message, MessageStatus, MessageStatusEvent, OrphanStatus

from ..consent import record_consent
from ..note_language import stored_text
from ..row_inserts import execute_arrays, insert_columns
from ..statuses import adopt_orphans, advance, transition
from . import enqueue
from .claim import Claimed
from .fallback import fall_back, fall_back_to_simpler
from .send import Late, Outcome
from .settings import outbox_settings

log = logging.getLogger(__name__)

_RECORDED_FIELDS = ("provider_message_id", "status", "sent_at", "delivered_at", "read_at")


def settle(message_id: str, outcome: Outcome, *, channel: Channel, to: str) -> str:
    """Record one call's outcome; returns "sent", "queued" (a transient error with
    attempts left: the caller schedules the retry), "fell back", "failed" or "skipped"."""
    if isinstance(outcome, SendResult):
        _record_accepted(message_id, outcome)
        return "sent"
    if isinstance(outcome, TransientSendError):
        return _requeue(message_id, outcome)
    if isinstance(outcome, OutcomeUnknown):
        return _left_for_reconcile(message_id, outcome)
    if isinstance(outcome, ContentNotSupported):
        return not_supported(message_id, outcome, channel=channel)
    if isinstance(outcome, NotReachable) and channel.fallback_id:
        return fall_back_or_fail(message_id, outcome.reason, code=outcome.code)
    if isinstance(outcome, OptedOutError):
        record_consent(channel, to, opted_out=True, source="provider")
    if isinstance(outcome, PermanentSendError):
        return fail(message_id, reason=outcome.reason, code=outcome.code)
    log.error("adapter %s crashed sending %s", channel.kind, message_id, exc_info=outcome)
    return fail(
        message_id,
        reason=format_lazy(
            gettext_lazy("Unexpected error while sending ({error})"), error=type(outcome).__name__
        ),
    )


def _left_for_reconcile(message_id: str, exc: OutcomeUnknown) -> str:
    """No answer after the request left: stays `sending` (its claim time unchanged), so
    the sweep asks the provider once the call cannot still be in flight (reconcile.py);
    the event says why, for the message's history."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.SENDING:
            return "skipped"
        note = format_lazy(gettext_lazy("{reason}; the provider will be asked"), reason=exc.reason)
        MessageStatusEvent.objects.create(
            message=message,
            status=MessageStatus.SENDING,
            at=timezone.now(),
            source="worker",
            error_code=exc.code,
            error_message=stored_text(note, message.workspace_id),
            applied=False,
        )
    return "unknown"


def is_unexpected(outcome: Outcome) -> bool:
    """A crash rather than a provider's answer (settled as failed all the same)."""
    return not isinstance(outcome, SendResult | TransientSendError | PermanentSendError)


def fail(message_id: str, *, reason: str, code: str = "") -> str:
    with transaction.atomic():
        transition(
            Message.objects.select_for_update().get(pk=message_id),
            MessageStatus.FAILED,
            source="worker",
            error_code=code,
            error_message=reason,
        )
    return "failed"


def fall_back_or_fail(message_id: str, reason: str, *, code: str = "") -> str:
    """Not reachable on its channel: the fallback, or failed for a message that already
    fell back; "skipped" when it was settled meanwhile."""
    with transaction.atomic():
        # The message row only: a lock on its channel's row too would queue behind every
        # open transaction inserting messages on that channel (a campaign chunk) and
        # deadlock with it.
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=message_id)
        )
        if message.status not in (MessageStatus.QUEUED, MessageStatus.SENDING):
            return "skipped"
        if message.fallback_from_id:
            return fail(message_id, reason=reason, code=code)
        fall_back(message, reason, code=code)
    return "fell back"


def not_supported(message_id: str, exc: ContentNotSupported, *, channel: Channel) -> str:
    """The recipient's device cannot show the content: the fallback channel, else the
    adapter's simpler rendering on the same channel, once; a message that already fell
    back (or has nothing simpler) fails. "skipped" when this answer is no longer the
    message's news (settled meanwhile, or a replayed answer after the move)."""
    with transaction.atomic():
        # The message row only: a lock on its channel's row too would queue behind every
        # open transaction inserting messages on that channel (a campaign chunk) and
        # deadlock with it.
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=message_id)
        )
        if message.status != MessageStatus.SENDING or message.channel_id != channel.pk:
            return "skipped"
        if message.fallback_from_id or not (channel.fallback_id or exc.simpler):
            return fail(message_id, reason=exc.reason, code=exc.code)
        if channel.fallback_id:
            fall_back(message, exc.reason, code=exc.code)
        else:
            fall_back_to_simpler(message, exc.simpler, exc.reason, code=exc.code)
    return "fell back"


def _record_accepted(message_id: str, result: SendResult) -> None:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.provider_message_id = result.provider_message_id
        transition(
            message,
            result.status,
            source="worker",
            raw=result.details,
            also=("provider_message_id",),
        )
        adopt_orphans(message)


def _requeue(message_id: str, exc: TransientSendError) -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.attempts >= outbox_settings().max_attempts:
            reason = format_lazy(
                gettext_lazy("{reason} (gave up after {attempts} attempts)"),
                reason=exc.reason,
                attempts=message.attempts,
            )
            transition(
                message,
                MessageStatus.FAILED,
                source="worker",
                error_code=exc.code,
                error_message=reason,
            )
            return "failed"
        transition(
            message,
            MessageStatus.QUEUED,
            source="worker",
            error_code=exc.code,
            error_message=exc.reason,
            force=True,
        )
    return "queued"


def settle_batch(outcomes: list[tuple[Claimed, Outcome, datetime]]) -> dict[str, int]:
    """Accepted sends in one transaction; the rare errors one by one through `settle`."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "late": 0}
    counts["reslotted"] = sum(c.reslotted for c, _r, _at in outcomes)
    late = [c.message for c, r, _at in outcomes if isinstance(r, Late)]
    if late:
        counts["late"] = give_back(late)
    accepted = {
        c.message.pk: (c.message, r, at) for c, r, at in outcomes if isinstance(r, SendResult)
    }
    if accepted:
        counts["sent"] = _record_all_accepted(accepted)
    for claimed, outcome, _at in outcomes:
        if isinstance(outcome, SendResult | Late):
            continue
        message_id = str(claimed.message.pk)
        settled = settle(message_id, outcome, channel=claimed.channel, to=claimed.to)
        if settled == "queued":
            _retry_later(message_id, outcome)
            counts["retry"] += 1
        elif settled == "unknown":  # left for the sweep's reconcile
            counts["unknown"] = counts.get("unknown", 0) + 1
        else:
            counts["failed"] += 1
    return counts


def _retry_later(message_id: str, exc: TransientSendError) -> None:
    """The batch path's transient error continues as its own task, with backoff
    (attempts > 0 keeps it out of the batch claim, so the backoff holds)."""
    with transaction.atomic():
        attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True)
        countdown = backoff_seconds(attempts.first() or 1, exc.retry_after)
        enqueue.delivery(message_id, countdown=countdown)


# What the record reads back under the row lock: everything `advance` decides from and
# the record writes, and what another writer may have changed since the claim.
_LOCKED_FIELDS = ("status", "sent_at", "delivered_at", "read_at", "error_code", "error_message")


def _record_all_accepted(accepted: dict[object, tuple[Message, SendResult, datetime]]) -> int:
    """The batch's accepted sends in one transaction. The rows are locked and read back
    as plain values onto the claim's own instances (the claim read every column; only
    these can have moved since, e.g. a delivery report that beat the answer): a second
    instance per message cost more CPU than the record's statements."""
    sent = 0
    # Batched live events: one frame per group and one after-commit call for the batch.
    with transaction.atomic(), realtime.batched():
        rows = (
            Message.objects.select_for_update()
            .filter(pk__in=accepted)
            .order_by("pk")
            .values_list("pk", *_LOCKED_FIELDS)
        )
        locked = []
        events: dict[str, list] = {"message_id": [], "status": [], "at": [], "applied": []}
        events["raw"] = []
        for pk, *values in rows:
            message, result, at = accepted[pk]
            for name, value in zip(_LOCKED_FIELDS, values, strict=True):
                setattr(message, name, value)
            locked.append(message)
            message.provider_message_id = result.provider_message_id
            applies = advance(message, result.status, at=at) is not None
            for name, value in zip(
                events, (message.pk, result.status, at, applies, result.details or {}), strict=True
            ):
                events[name].append(value)
            if applies:
                realtime.message_changed(message)
                sent += 1
        # The history entries from arrays: no instance each (row_inserts.py).
        insert_columns(MessageStatusEvent, events, fixed={"source": "worker"})
        _write_back(locked)
        orphans = set(
            OrphanStatus.objects.filter(
                provider_message_id__in=[m.provider_message_id for m in locked]
            ).values_list("channel_id", "provider_message_id")
        )
        for message in locked:
            if (message.channel_id, message.provider_message_id) in orphans:
                adopt_orphans(message)
    return sent


def _write_back(messages: list[Message]) -> None:
    """One UPDATE from arrays: bulk_update's CASE expressions cost more CPU to build
    than the sends they record."""
    meta = Message._meta
    columns = [meta.get_field(name).column for name in _RECORDED_FIELDS]
    types = ["text", "text", "timestamptz", "timestamptz", "timestamptz"]
    sets = ", ".join(f"{_qn(c)} = v.{_qn(c)}" for c in columns)
    unnest = ", ".join(f"%b::{t}[]" for t in ["uuid", *types])
    names = ", ".join(_qn(c) for c in ["id", *columns])
    execute_arrays(  # binary arrays, bound by the server (row_inserts.py)
        f"UPDATE {_qn(meta.db_table)} AS m SET {sets} "
        f"FROM unnest({unnest}) AS v({names}) WHERE m.{_qn(meta.pk.column)} = v.id",
        [[m.pk for m in messages]]
        + [[getattr(m, name) for m in messages] for name in _RECORDED_FIELDS],
    )


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def give_back(messages: list[Message]) -> int:
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
        late = gettext_lazy("Not sent: too late for its rate slot; queued again")
        # One language look-up a workspace, not one a message.
        notes = {ws: stored_text(late, ws) for ws in {m.workspace_id for m in messages}}
        workspace_of = {m.pk: m.workspace_id for m in messages}
        MessageStatusEvent.objects.bulk_create(
            MessageStatusEvent(
                message_id=pk,
                status=MessageStatus.QUEUED,
                at=now,
                source="worker",
                error_message=notes[workspace_of[pk]],
            )
            for pk in ids
        )
        with realtime.batched():
            for message in messages:
                if message.pk in ids:
                    message.status = MessageStatus.QUEUED
                    message.attempts -= 1
                    realtime.message_changed(message)
    return len(ids)
