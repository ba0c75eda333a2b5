"""Inbound events set aside after MAX_APPLY_ATTEMPTS failed applications, as an admin
sees them: how many, and each one's payload with secrets masked (settings page
"Inbound events", and the header's note)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from inbox.models import InboundEvent

# The header asks on every admin page; the count is cached this long (and dropped on a
# replay) so an admin's page never scans the event table.
COUNT_SECONDS = 30
REDACTED = "[redacted]"
# Field names whose values are credentials, whatever the provider calls them.
_SECRET_NAME = re.compile(
    r"secret|token|password|passwd|signature|authorization|api[_-]?key|auth|cookie|private",
    re.IGNORECASE,
)


def count_key(workspace_id: int) -> str:
    return f"inbound:set-aside-count:{workspace_id}"


def set_aside_count(workspace_id: int) -> int:
    """How many of the workspace's inbound events are set aside (cached briefly)."""
    key = count_key(workspace_id)
    count = cache.get(key)
    if count is None:
        count = _set_aside(workspace_id).count()
        cache.set(key, count, COUNT_SECONDS)
    return int(count)


@dataclass(frozen=True)
class SetAsideEvent:
    pk: int
    channel: str
    kind: str
    received_at: datetime
    gave_up_at: datetime | None
    attempts: int
    error: str  # the last line of the traceback: what went wrong, without the frames
    payload: str  # indented JSON, secrets masked


def set_aside_events(workspace_id: int, limit: int = 100) -> list[SetAsideEvent]:
    """The workspace's set-aside events, oldest first (the order a replay applies them)."""
    rows = _set_aside(workspace_id).select_related("channel").order_by("received_at", "pk")[:limit]
    return [
        SetAsideEvent(
            pk=row.pk,
            channel=row.channel.name,
            kind=row.kind,
            received_at=row.received_at,
            gave_up_at=row.gave_up_at,
            attempts=row.attempts,
            error=_last_line(row.error),
            payload=json.dumps(redacted(row.events), indent=2, ensure_ascii=False),
        )
        for row in rows
    ]


def redacted(value):
    """`value` with every field named like a credential masked, at any depth."""
    if isinstance(value, dict):
        return {
            k: REDACTED if _SECRET_NAME.search(str(k)) and v not in ("", None) else redacted(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def _last_line(error: str) -> str:
    lines = [line for line in (error or "").strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _set_aside(workspace_id: int):
    return InboundEvent.objects.filter(
        channel__workspace_id=workspace_id, gave_up_at__isnull=False, applied_at__isnull=True
    )
