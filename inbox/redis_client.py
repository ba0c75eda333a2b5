"""One Redis client per process for the inbox's own small Redis operations.

Django's cache API builds a client object per call; on the webhook hot path that cost
more than the Redis round trip itself. redis-py clients are thread-safe and pooled.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from functools import lru_cache

import redis
import redis.asyncio
from django.conf import settings
from kombu.exceptions import OperationalError

# What a call to Redis, or a task sent through it (the broker), raises while Redis is
# unreachable: callers that can do without it for a while catch these.
UNAVAILABLE = (redis.RedisError, OperationalError)


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@lru_cache(maxsize=1)
def text_client() -> redis.Redis:
    """The same server, answering str instead of bytes (the provider sandboxes' stores)."""
    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


_async_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def async_client() -> redis.asyncio.Redis:
    """The same server for code on an event loop (the webhook lane): one client per loop,
    since an asyncio connection belongs to the loop that opened it."""
    loop = asyncio.get_running_loop()
    found = _async_clients.get(loop)
    if found is None:
        found = _async_clients[loop] = redis.asyncio.Redis.from_url(settings.REDIS_URL)
    return found


os.register_at_fork(after_in_child=client.cache_clear)
os.register_at_fork(after_in_child=text_client.cache_clear)
