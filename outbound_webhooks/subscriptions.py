"""Which events a workspace's active webhooks want, cached so most emits cost no query.

Every message status change emits an event, and most workspaces have no webhook for it:
asking PostgreSQL each time was two queries per sent message (about a fifth of a delivery
worker's CPU). Each process keeps, per workspace, the set of events its active webhooks
subscribe to, kept fresh by a per-workspace version in Redis (inbox.versioned_cache):
saving or deleting a webhook drops this process's entry at once and bumps the version
after commit; other processes recheck it at most every
`WEBHOOK_SUBSCRIPTIONS_RECHECK_SECONDS` (1 s by default). Without Redis the cache is
bypassed. Only the "nobody wants this event" answer is served from the cache: when a
webhook does want it, emit() still loads the webhooks from the database.
"""

from __future__ import annotations

from django.conf import settings

from inbox.versioned_cache import WorkspaceCache
from workspace_settings.models import OutboundWebhook


def _recheck_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_SUBSCRIPTIONS_RECHECK_SECONDS", 1.0))


def _load(workspace_id: int) -> frozenset[str]:
    rows = OutboundWebhook.objects.filter(workspace_id=workspace_id, is_active=True)
    return frozenset(event for events in rows.values_list("events", flat=True) for event in events)


_cache: WorkspaceCache[frozenset[str]] = WorkspaceCache(
    "webhooks:subscriptions", _load, _recheck_seconds
)
VERSION_KEY = _cache.version_key


def subscribed_events(workspace_id: int) -> frozenset[str]:
    """The events at least one active webhook of the workspace subscribes to."""
    return _cache.get(workspace_id)


def wants(workspace_id: int, event: str) -> bool:
    return event in subscribed_events(workspace_id)


def forget(workspace_id: int) -> None:
    """Called when a webhook of the workspace changes: this process now, the others soon."""
    _cache.forget(workspace_id)


def clear() -> None:
    """Drop every cached entry of this process (tests)."""
    _cache.clear()
