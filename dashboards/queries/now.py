"""The live tiles: what is waiting right now (indexed queries, never the roll-up)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone

from inbox.models import Conversation, ConversationStatus, Membership

from .scope import Scope


def build(scope: Scope, now: dt.datetime | None = None) -> dict:
    """Channel, team and agent filters apply; the date range does not (it is "now")."""
    now = now or timezone.now()
    # The unresolved statuses named, not "not resolved": an equality list reads the
    # status index's few unresolved rows; an exclusion reads every conversation the
    # workspace ever had (the tiles grew with history, bench/history_growth.py).
    unresolved = [s for s in ConversationStatus.values if s != ConversationStatus.RESOLVED]
    qs = Conversation.objects.filter(workspace=scope.workspace, status__in=unresolved)
    if scope.channel_id is not None:
        qs = qs.filter(channel_id=scope.channel_id)
    if scope.team_id is not None:
        qs = qs.filter(team_id=scope.team_id)
    if scope.agent_id is not None:
        qs = qs.filter(assignee_id=scope.agent_id)
    figures = qs.aggregate(
        open=Count("pk", filter=Q(status="open")),
        waiting=Count("pk", filter=Q(waiting_since__isnull=False)),
        oldest=Min("waiting_since"),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )
    online = Membership.objects.filter(
        workspace=scope.workspace, is_active=True, presence="online"
    ).count()
    oldest = figures["oldest"]
    return {
        **figures,
        "online": online,
        "oldest_seconds": (now - oldest).total_seconds() if oldest else None,
        "as_of": now,
    }
