"""Is this number reachable over RCS? Cached RBM capability lookups.

The inbox asks before every send on a channel with a fallback, so answers are cached in
Django's cache (Redis, shared by every process) with an expiry, both yes and no: a phone
can turn RCS on or off, but not every minute. A lookup that fails or is slow answers
"unknown" quickly instead of holding an agent's reply; the send itself then decides (a
404 on send still falls back).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.cache import cache

from inbox.adapters import SendError

from . import client
from .agent import agent_for
from .limits import BATCH_USERS

if TYPE_CHECKING:
    from inbox.models import Channel

log = logging.getLogger(__name__)

POSITIVE_TTL = 6 * 3600
NEGATIVE_TTL = 3600
LOOKUP_TIMEOUT = 3.0  # seconds: never hold a send longer than this on a lookup


class CapabilityLookupError(Exception):
    """RBM gave no answer about the number (credentials, rate limit, outage, timeout)."""


def _key(channel: Channel, phone: str) -> str:
    # Per agent, not per channel row: reachability depends on the agent's launch status.
    agent = channel.config.get("agent_id", "")
    return f"rcs:cap:{channel.api_base_url}:{agent}:{phone}"


def remember(channel: Channel, phone: str, features: list[str] | None) -> None:
    """Cache an answer learnt any way (a lookup, or a send that succeeded or 404ed)."""
    config = channel.config or {}
    if features is None:
        ttl = int(config.get("capability_negative_ttl", NEGATIVE_TTL))
        value = {"reachable": False, "features": []}
    else:
        ttl = int(config.get("capability_ttl", POSITIVE_TTL))
        value = {"reachable": True, "features": list(features)}
    _seen.pop(_key(channel, phone), None)
    cache.set(_key(channel, phone), value, timeout=ttl)


def note_reachable(channel: Channel, phone: str) -> None:
    """A send was accepted: the number is reachable. Kept as "features unknown until
    looked up" only when nothing is cached (a lookup's answer stays): one SET NX."""
    ttl = int((channel.config or {}).get("capability_ttl", POSITIVE_TTL))
    cache.add(_key(channel, phone), {"reachable": True, "features": []}, timeout=ttl)


# Keys this process read as cached "reachable" moments ago (`known`), with the monotonic
# time until which that is trusted: the SET NX after a send to one of them would change
# nothing, so the send skips it (a thread hand-off and a Redis call per RCS send in a
# campaign, where the claim has just read every recipient's answer). Should the entry
# expire or be forgotten meanwhile, the next send to the number looks it up again.
SEEN_SECONDS = 60.0
SEEN_PRUNE_AT = 20_000  # entries: a minute of a campaign's RCS sends at 300/s
_seen: dict[str, float] = {}


def note_needed(channel: Channel, phone: str) -> bool:
    """False when `note_reachable` would find the number already cached as reachable."""
    return _seen.get(_key(channel, phone), 0.0) <= time.monotonic()


def cached(channel: Channel, phone: str) -> dict | None:
    return cache.get(_key(channel, phone))


def forget(channel: Channel, phone: str) -> None:
    _seen.pop(_key(channel, phone), None)
    cache.delete(_key(channel, phone))


def features(channel: Channel, phone: str) -> list[str] | None:
    """RBM's feature list for the number (None: not reachable); raises CapabilityLookupError."""
    hit = cached(channel, phone)
    if hit is not None:
        return hit["features"] if hit["reachable"] else None
    try:
        found = client.get_capabilities(agent_for(channel), phone, timeout=LOOKUP_TIMEOUT)
    except SendError as exc:
        raise CapabilityLookupError(exc.reason) from exc
    remember(channel, phone, found)
    return found


def check_capability(channel: Channel, phone: str) -> bool:
    """Whether RBM can reach `phone` for this agent; raises CapabilityLookupError."""
    return features(channel, phone) is not None


def check_capabilities(channel: Channel, phones: Iterable[str]) -> dict[str, bool | None]:
    """Many numbers at once (campaign audiences, contact lists); None where unknown.

    Cached answers cost nothing; the rest go to RBM's users:batchGet, up to 10,000 numbers
    a call, whose `reachableUsers` lists the ones the agent can reach: the others are not
    reachable. Answers are cached as single lookups are (a number batchGet calls
    reachable has an empty feature list until looked up on its own).
    """
    answers = known(channel, phones)
    missing = [phone for phone, answer in answers.items() if answer is None]
    if not missing:
        return answers
    agent = agent_for(channel)  # decrypts the channel's secrets: only when RBM is asked
    for start in range(0, len(missing), BATCH_USERS):
        chunk = missing[start : start + BATCH_USERS]
        try:
            reachable_users = client.batch_get_users(agent, chunk)
        except SendError as exc:
            log.info("rcs batch capability lookup of %s numbers failed: %s", len(chunk), exc)
            answers.update(dict.fromkeys(chunk))
            continue
        for phone in chunk:
            found = phone in reachable_users
            remember(channel, phone, [] if found else None)
            answers[phone] = found
    return answers


def known(channel: Channel, phones: Iterable[str]) -> dict[str, bool | None]:
    """The cached answers for `phones` (None: not cached), in one round trip: the outbox
    asks for every batch it claims."""
    unique = list(dict.fromkeys(phones))
    hits = cache.get_many([_key(channel, phone) for phone in unique])
    answers: dict[str, bool | None] = {}
    now = time.monotonic()
    if len(_seen) > SEEN_PRUNE_AT:  # bounded: the lapsed ones go, or all of them
        for key in [key for key, until in _seen.items() if until <= now]:
            _seen.pop(key, None)
        if len(_seen) > SEEN_PRUNE_AT // 2:  # so the next pruning is 10,000 entries away
            _seen.clear()  # a send then writes its SET NX again: harmless
    until = now + SEEN_SECONDS
    for phone in unique:
        key = _key(channel, phone)
        hit = hits.get(key)
        answers[phone] = None if hit is None else bool(hit["reachable"])
        if answers[phone]:
            _seen[key] = until
        else:
            _seen.pop(key, None)
    return answers


def reachable(channel: Channel, phone: str) -> bool | None:
    """True / False when known, None when RBM could not say (the caller just tries)."""
    try:
        return check_capability(channel, phone)
    except CapabilityLookupError as exc:
        log.info("rcs capability lookup for %s failed: %s", phone, exc)
        return None
