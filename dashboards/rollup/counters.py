"""One UTC day of messages -> counters per local hour, reason counts and agent/conversation
rows. The rows written are tagged with that UTC day, which is what a recomputation
replaces (a local hour of a half-hour zone gets rows from two UTC days; reads sum them)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from dashboards.metrics import content_kind, delivery
from dashboards.metrics.responses import REPLY_WINDOW
from dashboards.models import (
    AgentConversation,
    HourlyChannelStats,
    HourlyMessageStats,
    ReasonCount,
)
from inbox.models import Channel

from . import stream
from .buckets import BEFORE_DAY, LocalHours

_ROWS = f"""
SELECT m.created_at, m.conversation_id, m.channel_id, m.fallback_from_id, m.direction,
       m.author, m.author_user_id, c.team_id, c.assignee_id,
       {content_kind.SQL_TYPE}, {content_kind.SQL_HAS_SUGGESTIONS},
       m.status, m.sent_at, m.delivered_at, m.read_at,
       m.error_code, m.error_message, m.fallback_reason,
       CASE WHEN m.direction = 'outbound' THEN m.text END,
       CASE WHEN m.direction = 'inbound' AND m.content->>'type' = 'suggestion_response'
            THEN m.content->>'text' END,
       CASE WHEN m.direction = 'outbound' THEN EXISTS (
           SELECT 1 FROM inbox_message i
           WHERE i.conversation_id = m.conversation_id AND i.direction = 'inbound'
             AND i.author = 'contact' AND i.created_at > m.created_at
             AND i.created_at <= m.created_at + %(window)s) END
FROM inbox_message m JOIN inbox_conversation c ON c.id = m.conversation_id
WHERE m.workspace_id = %(ws)s AND m.created_at >= %(start)s AND m.created_at < %(end)s
  AND m.direction IN ('inbound', 'outbound')
"""

_FIELDS = ("messages", "sent", "delivered", "read", "failed", "replied", "fell_back", "segments")


def _reason(code: str, text: str) -> str:
    reason = ": ".join(part for part in (code, text) if part) or "(no reason given)"
    return reason[:300]


# (channel, text) answers kept per run: campaign texts are unique per recipient.
UNITS_CACHE_MAX = 10_000


def _day_rows(workspace_id: int, start: dt.datetime, end: dt.datetime) -> Iterator[tuple]:
    """The day's message rows, streamed (call inside a transaction)."""
    return stream.rows(
        _ROWS, {"ws": workspace_id, "start": start, "end": end, "window": REPLY_WINDOW}
    )


class _Units:
    """Billing units per (channel, text), asked of the channel's adapter once each."""

    def __init__(self) -> None:
        self.channels: dict[int, Channel | None] = {}
        self.cache: dict[tuple[int, str], int] = {}

    def __call__(self, channel_id: int, text: str) -> int:
        key = (channel_id, text)
        if key not in self.cache:
            if channel_id not in self.channels:
                self.channels[channel_id] = Channel.objects.filter(pk=channel_id).first()
            channel = self.channels[channel_id]
            try:
                self.cache[key] = channel.adapter.billing_units(channel, text) if channel else 1
            except LookupError:  # a channel kind whose app is no longer installed
                self.cache[key] = 1
        answer = self.cache[key]
        if len(self.cache) > UNITS_CACHE_MAX:  # texts unique per message: not worth keeping
            self.cache.clear()
        return answer


def recompute(workspace_id: int, day: dt.date, units: _Units | None = None, tz: str = "UTC") -> int:
    """Replace the day's counters (call inside a transaction); returns messages counted.
    `tz` is the workspace's zone: messages are bucketed in its local hours."""
    units = units or _Units()
    local_hours = LocalHours(tz)
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    end = start + dt.timedelta(days=1)
    stats: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(_FIELDS))
    reasons: dict[tuple, int] = defaultdict(int)
    handled: dict[tuple, list] = {}
    for (
        created_at, conversation_id, channel_id, fallback_from_id, direction, author,
        author_user_id, team_id, assignee_id, ctype, has_suggestions, status,
        sent_at, delivered_at, read_at, error_code, error_message, fallback_reason,
        text, chip, replied,
    ) in _day_rows(workspace_id, start, end):  # fmt: skip
        hour = local_hours.start(created_at)
        agent_id = author_user_id if author == "agent" else assignee_id
        kind = content_kind.classify(ctype, bool(has_suggestions))
        counts = stats[(hour, channel_id, team_id, agent_id, direction, kind)]
        counts[0] += 1
        if direction == "outbound":
            got = delivery.reached(status, sent_at, delivered_at, read_at)
            counts[1] += got.sent
            counts[2] += got.delivered
            counts[3] += got.read
            counts[4] += got.failed
            counts[5] += bool(replied)
            counts[6] += fallback_from_id is not None
            if got.sent:
                counts[7] += units(channel_id, text or "")
            if got.failed:
                key = (hour, "failure", channel_id, team_id, agent_id)
                reasons[(*key, _reason(error_code, error_message))] += 1
            if fallback_from_id is not None:
                key = (hour, "fallback", fallback_from_id, team_id, agent_id)
                reasons[(*key, fallback_reason[:300] or "(no reason given)")] += 1
            if author == "agent" and author_user_id is not None:
                key = (author_user_id, conversation_id)
                row = handled.get(key)
                if row is None:
                    handled[key] = [created_at, channel_id, team_id, 1]
                else:
                    row[0] = min(row[0], created_at)
                    row[3] += 1
        elif chip:
            reasons[(hour, "chip", channel_id, team_id, agent_id, chip[:300])] += 1

    written = {
        "workspace_id": workspace_id,
        "day": day,
        "hour__gte": start - BEFORE_DAY,  # lets the (workspace, hour) index find them
        "hour__lt": end,
    }
    for model in (HourlyMessageStats, HourlyChannelStats):
        model.objects.filter(**written).delete()
    coarse: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(_FIELDS))
    for (hour, channel_id, _team, _agent, direction, kind), counts in stats.items():
        acc = coarse[(hour, channel_id, direction, kind)]
        for i, n in enumerate(counts):
            acc[i] += n
    HourlyChannelStats.objects.bulk_create(
        [
            HourlyChannelStats(
                workspace_id=workspace_id,
                hour=hour,
                day=day,
                channel_id=channel_id,
                direction=direction,
                kind=kind,
                **dict(zip(_FIELDS, counts, strict=True)),
            )
            for (hour, channel_id, direction, kind), counts in coarse.items()
        ],
        batch_size=2000,
    )
    ReasonCount.objects.filter(**written).delete()
    AgentConversation.objects.filter(workspace_id=workspace_id, day=day).delete()
    HourlyMessageStats.objects.bulk_create(
        [
            HourlyMessageStats(
                workspace_id=workspace_id,
                hour=hour,
                day=day,
                channel_id=channel_id,
                team_id=team_id,
                agent_id=agent_id,
                direction=direction,
                kind=kind,
                **dict(zip(_FIELDS, counts, strict=True)),
            )
            for (hour, channel_id, team_id, agent_id, direction, kind), counts in stats.items()
        ],
        batch_size=2000,
    )
    ReasonCount.objects.bulk_create(
        [
            ReasonCount(
                workspace_id=workspace_id,
                hour=hour,
                day=day,
                kind=kind,
                channel_id=channel_id,
                team_id=team_id,
                agent_id=agent_id,
                reason=reason,
                count=n,
            )
            for (hour, kind, channel_id, team_id, agent_id, reason), n in reasons.items()
        ],
        batch_size=2000,
    )
    AgentConversation.objects.bulk_create(
        [
            AgentConversation(
                workspace_id=workspace_id,
                day=day,
                first_at=first_at,
                agent_id=agent_id,
                conversation_id=conversation_id,
                channel_id=channel_id,
                team_id=team_id,
                replies=replies,
            )
            for (agent_id, conversation_id), (first_at, channel_id, team_id, replies) in (
                handled.items()
            )
        ],
        batch_size=2000,
    )
    return sum(counts[0] for counts in stats.values())  # every row counted once there
