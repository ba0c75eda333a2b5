"""Taking rows from `queued` to `sending` under their row lock: one message for the
single path, a batch of first attempts, each with its rate slot, for the drain.

A row leaves `queued` only here, so a duplicate task, a broker redelivery, a second
drain or a sweep finds it claimed and never sends it twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox.models import (
    Channel,
    Consent,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)
from inbox.throttle import Slot, Throughput, reserve_slots

from ..consent import opt_out_reason
from ..consent_notice import is_opt_out_notice
from ..note_language import notes_language
from ..reachability import has_capability_lookup
from ..row_inserts import insert_columns
from ..statuses import transition
from . import enqueue
from .campaign_pace import campaign_paces
from .fallback import fall_back_many, unreachable_reason
from .recipient import NO_ADDRESS, recipient_addresses
from .settings import outbox_settings

log = logging.getLogger(__name__)


def claim_one(message_id: str) -> bool:
    """Move one message from queued to sending, counting the attempt; False when another
    worker (or an earlier run of this task) got there first."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.QUEUED:
            return False
        message.attempts += 1
        # This attempt's claim time, not the first's: the sweep reconciles a row only
        # once its current call cannot still be in flight (reconcile.py).
        message.sending_at = timezone.now()
        transition(message, MessageStatus.SENDING, source="worker", also=("attempts", "sending_at"))
    return True


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
    paced: dict[int, float] = field(default_factory=dict)  # campaign id -> seconds


# (channel id, address) -> what the provider answered when asked between two passes
Answers = dict[tuple[int, str], bool | None]


def claim_batch(
    limit: int,
    *,
    skip_channels: frozenset[int] = frozenset(),
    skip_campaigns: frozenset[int] = frozenset(),
) -> Claim:
    """Move up to `limit` first attempts from queued to sending, each with a rate slot.

    Rows whose sender has no slot within a second stay queued (their lock is released at
    commit) and are reported in `throttled`, so the caller skips that sender for a while;
    likewise a campaign with a send rate of its own (`paced`). Rows held until a later
    time (`not_before`, a recipient's local window) are not taken.

    Reachability on a channel with a fallback is read from the adapter's cache inside
    the transaction; rows whose answer is not cached are left queued, the provider is
    asked about them after the commit (a batch lookup may take seconds: never with rows
    locked), and a second pass claims them with the answers.
    """
    first, unknown = _claim(limit, skip_channels, skip_campaigns, None)
    if not unknown:
        return first
    answers = _look_up(unknown)
    held = [m.pk for _channel, pairs in unknown.values() for m, _to in pairs]
    second, _unknown = _claim(len(held), skip_channels, skip_campaigns, answers, only=held)
    first.rows += second.rows - len(held)
    first.sending += second.sending
    for pk, seconds in second.throttled.items():
        first.throttled[pk] = min(seconds, first.throttled.get(pk, seconds))
    for pk, seconds in second.paced.items():
        first.paced[pk] = min(seconds, first.paced.get(pk, seconds))
    return first


def _look_up(unknown: dict[int, tuple[Channel, list[tuple[Message, str]]]]) -> Answers:
    """The provider's answers for the rows a claim left queued: one `reachable_many` per
    channel, outside any transaction (a failure is "unknown": the send decides)."""
    answers: Answers = {}
    for channel_id, (channel, pairs) in unknown.items():
        addresses = list(dict.fromkeys(to for _m, to in pairs))
        try:
            found = channel.adapter.reachable_many(channel, addresses)
        except Exception:
            log.exception("reachable_many() failed on channel %s", channel_id)
            found = {}
        answers.update({(channel_id, to): found.get(to) for to in addresses})
    return answers


def _claim(
    limit: int,
    skip_channels: frozenset[int],
    skip_campaigns: frozenset[int],
    answers: Answers | None,
    *,
    only: list | None = None,
) -> tuple[Claim, dict[int, tuple[Channel, list[tuple[Message, str]]]]]:
    """One claim transaction; also the rows left queued for a lookup (first pass only:
    with `answers`, an address still unknown is just tried). `only`: the rows the
    second pass may take (those the first left queued)."""
    now = timezone.now()
    result = Claim()
    refused: list[tuple[Message, str]] = []
    moved: list[tuple[Message, str]] = []  # known unreachable: to the channel's fallback
    queued = Message.objects.filter(pk__in=only) if only is not None else Message.objects
    with transaction.atomic():
        rows = list(
            queued.select_for_update(skip_locked=True, of=("self",))
            # The thread's contact id only: a Conversation instance per row cost more
            # CPU than the rest of the claim's reading (bench/campaign/RESULTS.md).
            .annotate(recipient_contact_id=F("conversation__contact_id"))
            .filter(
                status=MessageStatus.QUEUED,
                direction=Direction.OUTBOUND,
                attempts=0,
                not_before__isnull=True,  # held rows wait for the sweep's release
                workspace__suspended_at__isnull=True,  # held until resume_workspace
            )
            .exclude(channel_id__in=skip_channels)
            .exclude(campaign_id__in=skip_campaigns)
            .order_by("queued_at")[:limit]
        )
        result.rows = len(rows)
        if not rows:
            return result, {}
        channels = Channel.objects.in_bulk({m.channel_id for m in rows})
        addresses = recipient_addresses({m.recipient_contact_id for m in rows})
        opted_out = set(
            Consent.objects.filter(
                channel_id__in=channels, address__in=set(addresses.values()), opted_out=True
            ).values_list("channel_id", "address")
        )
        unreachable, unknown = _reachability(rows, channels, addresses, answers)
        held = {m.pk for _channel, pairs in unknown.values() for m, _to in pairs}
        candidates = []
        for message in rows:
            channel = channels[message.channel_id]
            to = addresses.get(message.recipient_contact_id)
            if to is None:
                refused.append((message, gettext_lazy(NO_ADDRESS)))
            elif message.pk in held:
                continue  # left queued: asked about after the commit
            elif message.pk in unreachable:
                moved.append((message, unreachable_reason(channel)))
            elif (channel.pk, to) in opted_out and not is_opt_out_notice(message.content):
                refused.append((message, _opted_out(channel, to)))
            else:
                candidates.append((message, channel, to))
        candidates, pace_slots = _paced(candidates, result)
        limits, priced = [], []
        headroom = outbox_settings().rate_headroom
        for candidate in candidates:
            message, channel, to = candidate
            try:
                limit = channel.adapter.throughput(channel, to=to, content=message.content)
            except Exception as exc:  # one bad channel config must not stall the batch
                log.exception("throughput() failed for %s", message.pk)
                reason = gettext_lazy("Unexpected error preparing the send ({error})")
                refused.append((message, format_lazy(reason, error=repr(exc))))
                continue
            priced.append(candidate)
            limits.append(_with_headroom(limit, headroom))
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
            pace = pace_slots.get(id(candidate))
            if pace is not None and pace.local_start > slot.local_start:
                slot = pace  # the later of the sender's slot and the campaign's
            result.sending.append(Claimed(message, channel, to, slot, limit_of[id(candidate)]))
        ids = [c.message.pk for c in result.sending]
        if ids:
            Message.objects.filter(pk__in=ids).update(
                status=MessageStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
            )
            insert_columns(
                MessageStatusEvent,
                {"message_id": ids},
                fixed={"status": MessageStatus.SENDING, "at": now, "source": "worker"},
            )
        for c in result.sending:
            c.message.status = MessageStatus.SENDING
            c.message.sending_at = now
            c.message.attempts += 1
        for message, reason in refused:
            transition(message, MessageStatus.FAILED, source="worker", error_message=reason)
        if moved:
            _fall_back_all(moved, channels)
    return result, unknown


def _opted_out(channel: Channel, to: str) -> str:
    """The opt-out ledger's reason, in the workspace's language (a stored reason)."""
    with translation.override(notes_language(channel.workspace_id)):
        return opt_out_reason(channel, to) or gettext_lazy("recipient: opted out")


def _reachability(
    rows: list[Message], channels: dict, addresses: dict[int, str], answers: Answers | None
) -> tuple[set, dict[int, tuple[Channel, list[tuple[Message, str]]]]]:
    """(ids of the rows on a channel with a fallback whose recipient that channel is
    known not to reach, the rows whose answer is not known yet by channel).

    The single path's reachability check, from the adapter's cache (one
    `known_reachable_many` per channel and batch) or the `answers` a lookup brought
    between passes; a failed or still unknown lookup means "just try", and a provider's
    "not reachable" answer still falls back through `settle`. Channels whose adapter has
    no lookup are not asked."""
    asked: dict[int, list[tuple[Message, str]]] = {}
    for message in rows:
        channel = channels[message.channel_id]
        to = addresses.get(message.recipient_contact_id)
        if channel.fallback_id and to is not None:
            asked.setdefault(channel.pk, []).append((message, to))
    found, unknown = set(), {}
    for channel_id, pairs in asked.items():
        channel = channels[channel_id]
        if not has_capability_lookup(channel.adapter):
            continue
        try:
            known = channel.adapter.known_reachable_many(channel, [to for _m, to in pairs])
        except Exception:  # an unknown answer: the send decides, as in `deliver`
            log.exception("known_reachable_many() failed on channel %s", channel_id)
            continue
        for message, to in pairs:
            answer = known.get(to)
            if answer is None and answers is not None:
                answer = answers.get((channel_id, to))
            elif answer is None:
                unknown.setdefault(channel_id, (channel, []))[1].append((message, to))
            if answer is False:
                found.add(message.pk)
    return found, unknown


def _fall_back_all(moved: list[tuple[Message, str]], channels: dict) -> None:
    """Move known-unreachable first attempts to their channel's fallback under their
    claim lock, still first attempts (attempts stays 0): the next claim takes them on
    the fallback channel with its own consent check and rate slots, so no task per
    message. A message that already fell back fails, as `fall_back_or_fail` decides."""
    fallbacks = Channel.objects.in_bulk({channels[m.channel_id].fallback_id for m, _r in moved})
    going = []
    for message, reason in moved:
        channel = channels[message.channel_id]
        if message.fallback_from_id:
            transition(message, MessageStatus.FAILED, source="worker", error_message=reason)
            continue
        channel.fallback = fallbacks[channel.fallback_id]
        message.channel = channel
        going.append((message, reason))
    fall_back_many(going)  # one UPDATE and one INSERT for the batch, not a save each
    transaction.on_commit(enqueue.kick)  # a drain takes them (this one's next claim, likely)


def _paced(candidates: list, result: Claim) -> tuple[list, dict[int, Slot]]:
    """Campaign slots first, for the rows of campaigns with a send rate of their own:
    a row refused by its campaign's pace stays queued without taking a sender slot."""
    paces = campaign_paces({m.campaign_id for m, _ch, _to in candidates if m.campaign_id})
    if not paces:
        return candidates, {}
    paced = [c for c in candidates if c[0].campaign_id in paces]
    granted, kept = {}, [c for c in candidates if c[0].campaign_id not in paces]
    for candidate, slot in zip(
        paced, reserve_slots([paces[c[0].campaign_id] for c in paced]), strict=True
    ):
        campaign_id = candidate[0].campaign_id
        if isinstance(slot, float):
            result.paced[campaign_id] = min(result.paced.get(campaign_id, slot), slot)
        else:
            granted[id(candidate)] = slot
            kept.append(candidate)
    return kept, granted


def _with_headroom(limit: Throughput | None, headroom: float) -> Throughput | None:
    """Slots a little closer than the provider's limit apart: a send may leave up to the
    late tolerance after its slot, and the provider counts arrivals, not our slots."""
    if limit is None:
        return None
    return replace(limit, per_second=limit.per_second * headroom)


def withdraw_queued(message_ids: list, *, reason: str, source: str) -> int:
    """Fail the messages among `message_ids` still waiting in `queued` with `reason`
    (a cancelled campaign); one already claimed is on its way and is left to finish.
    The row lock is the claim's, so a drain or a delivery never takes a withdrawn row."""
    withdrawn = 0
    with transaction.atomic():
        for message in Message.objects.select_for_update().filter(
            pk__in=message_ids, status=MessageStatus.QUEUED
        ):
            withdrawn += transition(
                message, MessageStatus.FAILED, source=source, error_message=reason
            )
    return withdrawn
