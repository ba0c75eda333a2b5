"""The provider call: one message from a worker thread, or a batch handed to the send
loop (inbox/send_loop.py), where each call leaves at its rate slot or not at all.

Either way the adapter gets the content with the workspace's stored media signed for
it (inbox/media_links.py), and an error comes back as the outcome for `settle`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from django.db import connection
from django.utils import timezone

from inbox import media_links, realtime, send_loop
from inbox.adapters import SendResult
from inbox.models import Channel, Message
from inbox.throttle import Slot, Throttled, await_slot, reserve_slot, wait_for

from .claim import Claimed
from .settings import outbox_settings

Outcome = SendResult | Exception


class Late(Exception):
    """The call could not leave within OUTBOX_LATE_TOLERANCE of its slot, so it did not
    leave at all: sent late, it would bunch with the next on-time sends at the provider
    and break the sender's rate in that second. It goes back to the queue, unsent."""


def release_connection() -> None:
    """Hand the database connection back to the pool for the provider call.

    A worker thread would otherwise hold a pooled connection through the whole HTTP
    round trip (100 ms and more), and threads beyond the pool size queue for connections
    while the database sits idle. Without a pool, closing would cost a reconnect: keep it.
    """
    if getattr(connection, "pool", None) is not None:
        connection.close()


def idempotency_key(message: Message) -> str:
    """The id the provider dedupes this send by: the message's own, or, for a simpler
    rendition resent on the same channel (`fallback_from` is that channel), one derived
    from it. The provider must not take the rendition for a retry of the content it
    refused, and the rendition's own retries must stay idempotent."""
    if message.fallback_from_id and message.fallback_from_id == message.channel_id:
        return str(uuid.uuid5(uuid.UUID(str(message.pk)), "simpler"))
    return str(message.pk)


def send_one(
    message: Message,
    channel: Channel,
    *,
    to: str,
    slot: Slot | None,
    reserve: Callable[[], Slot | None] | None = None,
) -> Outcome:
    """The single path's call, made at the sender's reserved slot or not at all (Late),
    as the send loop's are: a thread that woke too late (a loaded machine, a slow claim
    after the slot was taken) would bunch its call with the next on-time ones. A missed
    slot is replaced once by a fresh one from `reserve` before the call gives up."""
    if slot is not None:
        tolerance = outbox_settings().late_tolerance
        wait_for(slot)  # last thing before the call, so sends keep the sender's spacing
        if time.monotonic() - slot.local_start > tolerance:
            try:
                slot = reserve() if reserve is not None else slot
            except Throttled:
                return Late()
            if slot is not None:
                wait_for(slot)
                if time.monotonic() - slot.local_start > tolerance:
                    return Late()
    try:
        return channel.adapter.send(
            channel,
            to=to,
            content=media_links.for_provider(message.content, message.workspace_id),
            message_id=idempotency_key(message),
        )
    except Exception as exc:  # settled by the caller, as the batch's errors are
        return exc


async def _send(claimed: Claimed, tolerance: float) -> tuple[Outcome, datetime]:
    """One call on the send loop: it leaves at its slot (never early) or not at all."""
    channel = claimed.channel

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
            message_id=idempotency_key(claimed.message),
        )
    except Exception as exc:  # settled by the caller, with database access
        return exc, timezone.now()
    return result, timezone.now()


async def _send_batch(batch: list[Claimed], tolerance: float) -> list[tuple[Outcome, datetime]]:
    """Every call of the batch at once on the loop, each at its own slot. One hand-over
    to the loop and one answer back for the batch: a thread-safe future per call cost a
    wake-up of the loop and one of this thread each (bench/campaign/RESULTS.md)."""
    # `_send` answers the provider's errors itself; anything escaping it (before the
    # call left) is raised to the drain as one call's future raised it before, once every
    # call has finished, and the batch's rows are left `sending` for the sweep.
    answers = await asyncio.gather(
        *(_send(claimed, tolerance) for claimed in batch), return_exceptions=True
    )
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer
    return answers


def send_all(batch: list[Claimed]) -> list[tuple[Claimed, Outcome, datetime]]:
    """Hands every call to the send loop at once; each waits for its own slot there, so
    a slow answer never holds up the next call. Blocks until all have answered."""
    tolerance = outbox_settings().late_tolerance
    answered = send_loop.submit(_send_batch(batch, tolerance))
    # "sending" is published while the calls wait on the loop; its receivers (webhooks,
    # realtime) cost a query each and stay on this thread, with the database; batched:
    # one frame per group and one call for the batch's after-commit work.
    with realtime.batched():
        for claimed in batch:
            realtime.message_changed(claimed.message)
    return [
        (claimed, outcome, at)
        for claimed, (outcome, at) in zip(batch, answered.result(), strict=True)
    ]
