"""Per-sender send rate, shared by every worker process through Redis.

GCRA: each sender has a "next free slot" time; a send of `cost` units takes the slot
and pushes it forward by cost/rate seconds. Redis evaluates this atomically, so workers
on any number of machines never exceed the configured rate together. A worker may take
a slot up to `max_ahead` seconds in the future and sleep until it (keeping sends evenly
spaced); further ahead than that it gives the slot up and retries later instead of
holding a worker thread.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from functools import lru_cache

from inbox import redis_client

_GCRA = """
local increment = tonumber(ARGV[1])
local max_ahead = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local ahead = slot - now
if ahead > max_ahead then
  return {0, string.format('%.6f', ahead - max_ahead)}
end
local next_slot = slot + increment
local ttl_ms = math.ceil((next_slot - now + 1) * 1000)
redis.call('SET', KEYS[1], string.format('%.6f', next_slot), 'PX', ttl_ms)
return {1, string.format('%.6f', ahead), string.format('%.6f', slot)}
"""


@dataclass(frozen=True)
class Throughput:
    """A sender's limit: `per_second` units (SMS counts segments), this send costing `cost`."""

    key: str
    per_second: float
    cost: int = 1


class Throttled(Exception):
    """No slot soon enough; try again after `retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"sender rate limit, retry in {retry_after:.2f}s")
        self.retry_after = retry_after


# The same rule for a whole batch in one round trip: KEYS may repeat (two messages from
# one sender), so slots advance in a Lua table and are written once per key at the end.
_GCRA_MANY = """
local max_ahead = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slots, changed, out = {}, {}, {}
for i, key in ipairs(KEYS) do
  local slot = slots[key] or tonumber(redis.call('GET', key) or '0')
  if slot < now then slot = now end
  local ahead = slot - now
  if ahead > max_ahead then
    out[#out + 1] = 0
    out[#out + 1] = string.format('%.6f', ahead - max_ahead)
    slots[key] = slot
  else
    out[#out + 1] = 1
    out[#out + 1] = string.format('%.6f', ahead)
    slots[key] = slot + tonumber(ARGV[i + 1])
    changed[key] = true
  end
end
for key, _ in pairs(changed) do
  local ttl_ms = math.ceil((slots[key] - now + 1) * 1000)
  redis.call('SET', key, string.format('%.6f', slots[key]), 'PX', ttl_ms)
end
out[#out + 1] = string.format('%.6f', now)
return out
"""


@lru_cache(maxsize=1)
def _script():
    return redis_client.client().register_script(_GCRA)


@lru_cache(maxsize=1)
def _script_many():
    return redis_client.client().register_script(_GCRA_MANY)


@dataclass(frozen=True)
class Slot:
    """A reserved send time: `starts_at` on the Redis clock, `local_start` on ours."""

    starts_at: float
    local_start: float


def reserve_slot(limit: Throughput, *, max_ahead: float = 1.0) -> Slot:
    """Take the sender's next slot, or raise Throttled when it is too far off."""
    granted, seconds, *slot = _script()(
        keys=[f"throttle:{limit.key}"], args=[limit.cost / limit.per_second, max_ahead]
    )
    seconds = float(seconds)
    if not int(granted):
        raise Throttled(seconds)
    return Slot(starts_at=float(slot[0]), local_start=time.monotonic() + seconds)


def reserve_slots(limits: list[Throughput], *, max_ahead: float = 1.0) -> list[Slot | float]:
    """reserve_slot for many sends in one Redis call, in order: a Slot, or (refused) the
    seconds until that sender has room again. Same rule, so batch and single sends share
    each sender's spacing."""
    if not limits:
        return []
    reply = _script_many()(
        keys=[f"throttle:{limit.key}" for limit in limits],
        args=[max_ahead, *(limit.cost / limit.per_second for limit in limits)],
    )
    now_local, redis_now = time.monotonic(), float(reply[-1])
    out: list[Slot | float] = []
    for granted, seconds in zip(reply[0:-1:2], reply[1:-1:2], strict=True):
        seconds = float(seconds)
        if int(granted):
            out.append(Slot(starts_at=redis_now + seconds, local_start=now_local + seconds))
        else:
            out.append(seconds)
    return out


def wait_for(slot: Slot) -> None:
    """Sleep until the slot starts (never send early: that is what the limit promises)."""
    delay = slot.local_start - time.monotonic()
    if delay > 0:
        time.sleep(delay)


async def await_slot(slot: Slot) -> None:
    """wait_for on an event loop: a timer, so other calls go on meanwhile."""
    delay = slot.local_start - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


def take_slot(limit: Throughput, *, max_ahead: float = 1.0) -> float:
    """Reserve and wait in one step; returns the slot's start on the Redis clock."""
    slot = reserve_slot(limit, max_ahead=max_ahead)
    wait_for(slot)
    return slot.starts_at
