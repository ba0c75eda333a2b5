"""The hourly counters for a scope, read once per page and shared by the sections."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from .scope import Scope

FIELDS = ("messages", "sent", "delivered", "read", "failed", "replied", "fell_back", "segments")
_SUMS = ", ".join(f"sum({f})" for f in FIELDS)


def load(scope: Scope) -> list[dict]:
    """One row per (local hour, channel, direction, content kind), team/agent summed away.

    Unfiltered by team and agent it reads the coarse table (one row per key already);
    raw SQL with the hour as epoch seconds because turning thousands of timestamptz
    values into datetimes was most of this query's time.
    """
    params: dict = {"ws": scope.workspace.pk, "start": scope.start, "end": scope.end}
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
    sql = (
        f"SELECT extract(epoch FROM hour)::bigint, channel_id, direction, kind, {_SUMS} "
        f"FROM {table} WHERE {where} GROUP BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    hours: dict[int, dt.datetime] = {}
    rows = []
    for epoch, channel_id, direction, kind, *sums in fetched:
        hour = hours.get(epoch)
        if hour is None:
            hour = hours[epoch] = dt.datetime.fromtimestamp(epoch, dt.UTC)
        row = {"hour": hour, "channel_id": channel_id, "direction": direction, "kind": kind}
        row.update(zip(FIELDS, sums, strict=True))
        rows.append(row)
    return rows
