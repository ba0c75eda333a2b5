"""How the domain asks the workers for a delivery: one task for one message, or a kick
that wakes a batch drain. Everything here waits for the commit that queued the row."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from inbox import jobs, redis_client
from inbox.models import Message

log = logging.getLogger(__name__)

KICK_KEY = "outbox:kick"


def delivery(message_id, *, countdown: float | None = None) -> None:
    """One task for one message: retries, fallbacks after a send, the sweep's re-requests."""
    jobs.enqueue_on_commit(jobs.DELIVER_MESSAGE, str(message_id), countdown=countdown)


def first_attempt(message: Message) -> None:
    """A first attempt: kick a batch drain, on a channel with a fallback too (the claim
    routes by the cached reachability, claim.py). A message held until a later time
    (`not_before`) is requested by the sweep that releases it, not now."""
    if message.not_before is not None:
        return
    transaction.on_commit(kick)


def first_attempts(messages: Iterable[Message]) -> None:
    """`first_attempt` for many messages written together (a campaign's chunk): one kick
    after the commit for all of them, none when every one is held."""
    if any(m.not_before is None for m in messages):
        transaction.on_commit(kick)


def kick() -> None:
    """Make sure a drain will run; at most one is waiting at a time.

    The key means "a drain is queued and has not started": a drain deletes it before
    its first claim, so a row committed after that start kicks a new drain, and a row
    committed before it is seen by that claim. A lost task frees the key after 5 s,
    and the beat sweep kicks too.
    """
    try:
        if redis_client.client().set(KICK_KEY, 1, nx=True, ex=5):
            jobs.enqueue(jobs.DRAIN_OUTBOX)
    except redis_client.UNAVAILABLE:  # committed: beat's sweep re-requests queued rows
        log.warning("Redis unavailable: no drain requested; the outbox sweep will")
