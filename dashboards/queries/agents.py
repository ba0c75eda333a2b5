"""Agents: a leaderboard of handled conversations, responses and speed, and online time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from dashboards.models import AgentConversation
from inbox import access
from inbox.models import PresenceSpan

from .scope import Scope
from .tables import Table, minutes


def online_seconds(scope: Scope, now: dt.datetime) -> dict[int, float]:
    """Time each agent spent online inside the range, from presence spans (clipped)."""
    spans = PresenceSpan.objects.filter(
        workspace=scope.workspace, status="online", started_at__lt=scope.end
    ).exclude(ended_at__lte=scope.start)
    if scope.agent_id is not None:
        spans = spans.filter(user_id=scope.agent_id)
    total: dict[int, float] = defaultdict(float)
    for user_id, started, ended in spans.values_list("user_id", "started_at", "ended_at"):
        lo, hi = max(started, scope.start), min(ended or now, scope.end, now)
        if hi > lo:
            total[user_id] += (hi - lo).total_seconds()
    return total


def build(scope: Scope, now: dt.datetime, speed_section: dict) -> dict:
    """`speed_section` is speed.build()'s result: its per-agent medians are reused."""
    handled = {
        row["agent_id"]: row
        for row in scope.narrow(AgentConversation.objects, at="first_at")
        .values("agent_id")
        .annotate(conversations=Count("conversation_id", distinct=True), replies=Sum("replies"))
        .order_by()
    }
    by_agent = speed_section["grouped"]["agent_id"]
    frt = {k: v["median"] for k, v in by_agent["first_response"].items()}
    res = {k: v["median"] for k, v in by_agent["resolution"].items()}
    online = online_seconds(scope, now)
    members = access.members(scope.workspace)
    if scope.agent_id is not None:
        members = members.filter(user_id=scope.agent_id)
    if scope.team_id is not None:
        members = members.filter(user__inbox_teams__pk=scope.team_id)
    rows = []
    for m in members:
        uid = m.user_id
        h = handled.get(uid, {})
        rows.append(
            [
                m.user.get_full_name() or m.user.username,
                m.role,
                h.get("conversations", 0),
                h.get("replies", 0) or 0,
                minutes(frt.get(uid)),
                minutes(res.get(uid)),
                round(online.get(uid, 0.0) / 3600.0, 2),
            ]
        )
    rows.sort(key=lambda r: (-r[2], -r[3], r[0]))
    board = Table(
        "agents_leaderboard",
        _("Agent leaderboard"),
        [
            _("agent"),
            _("role"),
            _("conversations handled"),
            _("replies"),
            _("first response median (min)"),
            _("resolution median (min)"),
            _("online (hours)"),
        ],
        rows,
    )
    return {"tables": [board], "board": board}
