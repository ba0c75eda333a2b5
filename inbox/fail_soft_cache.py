"""Django's Redis cache, behaving as an empty cache while Redis is unreachable.

Everything the inbox keeps in Django's cache can be read again from the database (a
member's language and two-factor state, the set-aside count, RBM capabilities, funnel
reports), and the language and two-factor middlewares read it on every page: with the
stock backend a Redis restart turned every page into a 500 until Redis was back. Here a
read that cannot reach Redis is a miss, a write is skipped, and `add` answers False
("someone holds it"), which for its one user, the typing signal's throttle, means one
typing frame fewer. A delete that cannot reach Redis leaves what a Redis that kept its
data still holds until that entry times out (the two-factor state and the language: 5
and 10 minutes). Each call is retried once at most, not redis-py's default ten times
with backoff, so a page during the outage costs a refused connection per read, not
seconds.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {"retry": Retry(NoBackoff(), 1), **self._options}

    def _unavailable(self, operation: str, exc: Exception) -> None:
        log.warning("cache %s skipped: Redis unavailable (%s)", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            self._unavailable("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable("add", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable("set", exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            self._unavailable("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            self._unavailable("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            self._unavailable("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            self._unavailable("delete_many", exc)
