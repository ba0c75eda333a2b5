"""The hourly counters for a scope, read once per page and shared by the sections.

PostgreSQL sums them into the three shapes the sections draw (one query, GROUPING SETS):
per local day and direction (volume per day), per channel, direction and content kind
(volume per channel, channel health, engagement), and per local weekday and hour
(busiest hours). Until this, the page fetched one row per local hour and key (6,000
rows for 30 days at the dashboards bench's size) and each section looped over all of
them in Python: ~15% of the page's time on the 2-core bench box (issue 20).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from .scope import Scope

FIELDS = ("messages", "sent", "delivered", "read", "failed", "replied", "fell_back", "segments")
_SUMS = ", ".join(f"sum({f})" for f in FIELDS)
_COLUMNS = ", ".join(FIELDS)


@dataclass
class Counters:
    """The scope's counters, summed three ways (team and agent summed away)."""

    # (local day, direction) -> messages
    per_day: dict[tuple[dt.date, str], int] = field(default_factory=dict)
    # (channel id, direction, content kind) -> {field: sum} for every field of FIELDS
    per_key: dict[tuple[int, str, str], dict[str, int]] = field(default_factory=dict)
    # (local weekday, Monday 0, local hour, direction) -> messages
    per_slot: dict[tuple[int, int, str], int] = field(default_factory=dict)

    def per_channel(self, direction: str, fields: tuple[str, ...]) -> dict[int, dict[str, int]]:
        """{channel id: {field: sum}} over content kinds, for one direction."""
        out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
        for (channel_id, d, _kind), sums in self.per_key.items():
            if d == direction:
                acc = out[channel_id]
                for f in fields:
                    acc[f] += sums[f]
        return dict(out)


# The counters' hour is the UTC instant a local hour starts; its local wall time (in the
# zone the roll-up bucketed in, the workspace's) gives the day, weekday and hour.
_SQL = f"""
SELECT GROUPING(day), GROUPING(channel_id), day, weekday, local_hour, channel_id, direction,
       kind, {_SUMS}
FROM (
    SELECT local::date AS day, extract(isodow FROM local)::int - 1 AS weekday,
           extract(hour FROM local)::int AS local_hour, channel_id, direction, kind, {_COLUMNS}
    FROM (
        SELECT hour AT TIME ZONE %(tz)s AS local, channel_id, direction, kind, {_COLUMNS}
        FROM {{table}} WHERE {{where}}
    ) counters
) local_counters
GROUP BY GROUPING SETS ((day, direction), (channel_id, direction, kind),
                        (weekday, local_hour, direction))
"""


def load(scope: Scope) -> Counters:
    """Unfiltered by team and agent it reads the coarse table (one row per key already)."""
    params: dict = {
        "ws": scope.workspace.pk,
        "start": scope.start,
        "end": scope.end,
        "tz": scope.tz.key,
    }
    where = "workspace_id = %(ws)s AND hour >= %(start)s AND hour < %(end)s"
    if scope.channel_id is not None:
        where += " AND channel_id = %(channel)s"
        params["channel"] = scope.channel_id
    if scope.team_id is None and scope.agent_id is None:
        table = "dashboards_hourlychannelstats"
    else:
        table = "dashboards_hourlymessagestats"
        for name, value in (("team_id", scope.team_id), ("agent_id", scope.agent_id)):
            if value is not None:
                where += f" AND {name} = %({name})s"
                params[name] = value
    out = Counters()
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(table=table, where=where), params)
        for (
            g_day,
            g_channel,
            day,
            weekday,
            hour,
            channel_id,
            direction,
            kind,
            *sums,
        ) in cursor.fetchall():
            if not g_day:
                out.per_day[(day, direction)] = sums[0]
            elif not g_channel:
                out.per_key[(channel_id, direction, kind)] = dict(zip(FIELDS, sums, strict=True))
            else:
                out.per_slot[(weekday, hour, direction)] = sums[0]
    return out
