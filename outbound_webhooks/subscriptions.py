"""Which events a workspace's active webhooks want, cached so most emits cost no query.

Every message status change emits an event, and most workspaces have no webhook for it:
asking PostgreSQL each time was two queries per sent message (about a fifth of a delivery
worker's CPU). Each process keeps, per workspace, the set of events its active webhooks
subscribe to, tagged with a per-workspace version kept in Redis (a random token, not a counter, so a
flushed Redis cannot bring back a version a process already saw).

Freshness: saving or deleting a webhook drops this process's entry at once and bumps the
Redis version after commit. Another process re-reads the version at most every
`WEBHOOK_SUBSCRIPTIONS_RECHECK_SECONDS` (1 s by default) and reloads the set when it
changed, so a webhook created, edited or deleted elsewhere is honoured within that time.
The version is read *before* the query, so a reload racing a commit is caught by the
next check instead of being cached as current. Without Redis the cache is bypassed.
Only the "nobody wants this event" answer is served from the cache: when a webhook does
want it, emit() still loads the webhooks from the database.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import transaction

from inbox.redis_client import client
from workspace_settings.models import OutboundWebhook

log = logging.getLogger(__name__)

VERSION_KEY = "webhooks:subscriptions:v:{}"


@dataclass
class _Entry:
    events: frozenset[str]
    version: str
    checked_at: float


_entries: dict[int, _Entry] = {}
_lock = threading.Lock()


def _recheck_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_SUBSCRIPTIONS_RECHECK_SECONDS", 1.0))


def _load(workspace_id: int) -> frozenset[str]:
    rows = OutboundWebhook.objects.filter(workspace_id=workspace_id, is_active=True)
    return frozenset(event for events in rows.values_list("events", flat=True) for event in events)


def _version(workspace_id: int) -> str:
    raw = client().get(VERSION_KEY.format(workspace_id))
    return raw.decode() if raw else ""


def subscribed_events(workspace_id: int) -> frozenset[str]:
    """The events at least one active webhook of the workspace subscribes to."""
    now = time.monotonic()
    entry = _entries.get(workspace_id)
    if entry is not None and now - entry.checked_at < _recheck_seconds():
        return entry.events
    try:
        version = _version(workspace_id)
    except redis.RedisError as exc:
        log.warning("webhook subscriptions: no Redis (%s); reading the database", exc)
        return _load(workspace_id)
    if entry is None or entry.version != version:
        entry = _Entry(_load(workspace_id), version, now)
    else:
        entry = _Entry(entry.events, version, now)
    with _lock:
        _entries[workspace_id] = entry
    return entry.events


def wants(workspace_id: int, event: str) -> bool:
    return event in subscribed_events(workspace_id)


def forget(workspace_id: int) -> None:
    """Called when a webhook of the workspace changes: this process now, the others soon."""
    with _lock:
        _entries.pop(workspace_id, None)

    def bump() -> None:
        with _lock:
            _entries.pop(workspace_id, None)
        try:
            client().set(VERSION_KEY.format(workspace_id), uuid.uuid4().hex)
        except redis.RedisError as exc:
            log.warning("webhook subscriptions: version bump failed: %s", exc)

    transaction.on_commit(bump)


def clear() -> None:
    """Drop every cached entry of this process (tests)."""
    with _lock:
        _entries.clear()
