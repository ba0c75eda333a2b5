"""One value per workspace kept in each process's memory, fresh within a recheck time.

For reads on a hot path (every message) whose answer rarely changes: which events a
workspace's webhooks want (outbound_webhooks.subscriptions), a workspace's compiled
automation rules (automations.rule_cache). Each process keeps, per workspace, the loaded
value tagged with a version kept in Redis (a random token, not a counter, so a flushed
Redis cannot bring back a version a process already saw).

Freshness: a change drops this process's entry at once (`forget`) and bumps the Redis
version after commit. Another process re-reads the version at most every
`recheck_seconds()` and reloads when it changed, so a change made elsewhere is honoured
within that time. The version is read *before* the load, so a load racing a commit is
caught by the next check instead of being cached as current. Without Redis the value is
loaded from the database each time.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import redis
from django.db import transaction

from inbox.redis_client import client

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry(Generic[T]):
    value: T
    version: str
    checked_at: float


class WorkspaceCache(Generic[T]):
    def __init__(self, name: str, load: Callable[[int], T], recheck_seconds: Callable[[], float]):
        self.name = name
        self.version_key = f"{name}:v:{{}}"
        self._load = load
        self._recheck_seconds = recheck_seconds
        self._entries: dict[int, _Entry[T]] = {}
        self._lock = threading.Lock()

    def _version(self, workspace_id: int) -> str:
        raw = client().get(self.version_key.format(workspace_id))
        return raw.decode() if raw else ""

    def get(self, workspace_id: int) -> T:
        now = time.monotonic()
        entry = self._entries.get(workspace_id)
        if entry is not None and now - entry.checked_at < self._recheck_seconds():
            return entry.value
        try:
            version = self._version(workspace_id)
        except redis.RedisError as exc:
            log.warning("%s: no Redis (%s); reading the database", self.name, exc)
            return self._load(workspace_id)
        if entry is None or entry.version != version:
            entry = _Entry(self._load(workspace_id), version, now)
        else:
            entry = _Entry(entry.value, version, now)
        with self._lock:
            self._entries[workspace_id] = entry
        return entry.value

    def forget(self, workspace_id: int) -> None:
        """The workspace's value changed: this process now, the others soon."""
        with self._lock:
            self._entries.pop(workspace_id, None)

        def bump() -> None:
            with self._lock:
                self._entries.pop(workspace_id, None)
            try:
                client().set(self.version_key.format(workspace_id), uuid.uuid4().hex)
            except redis.RedisError as exc:
                log.warning("%s: version bump failed: %s", self.name, exc)

        transaction.on_commit(bump)

    def clear(self) -> None:
        """Drop every cached entry of this process (tests, benchmarks)."""
        with self._lock:
            self._entries.clear()
