"""Speed: first response and resolution times (median, p90), per agent and per team."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from . import names, resolved_by
from .scope import Scope
from .tables import Table, minutes

# Samples hold business-hours seconds; without business hours they equal elapsed time.
FIELD = "business_seconds"
EMPTY = {"n": 0, "median": None, "p90": None}

# One pass per sample table: overall, per agent and per team together (GROUPING SETS).
_SQL = """
SELECT GROUPING(agent_id), GROUPING(team_id), agent_id, team_id, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds)
FROM {table}
WHERE workspace_id = %(ws)s AND {at} >= %(start)s AND {at} < %(end)s {extra}
GROUP BY GROUPING SETS ((), (agent_id), (team_id))
"""


def _grouped(scope: Scope, table: str, at: str, extra: str = "") -> dict:
    params: dict = {"ws": scope.workspace.pk, "start": scope.start, "end": scope.end}
    for name, value in (
        ("channel_id", scope.channel_id),
        ("team_id", scope.team_id),
        ("agent_id", scope.agent_id),
    ):
        if value is not None:
            extra += f" AND {name} = %({name})s"
            params[name] = value
    out: dict = {"all": dict(EMPTY), "agent_id": {}, "team_id": {}}
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(table=table, at=at, extra=extra), params)
        for g_agent, g_team, agent_id, team_id, n, med, p90 in cursor.fetchall():
            stats = {"n": n, "median": med, "p90": p90}
            if g_agent and g_team:
                out["all"] = stats
            elif not g_agent:
                out["agent_id"][agent_id] = stats
            else:
                out["team_id"][team_id] = stats
    return out


def build(scope: Scope) -> dict:
    first = _grouped(scope, "dashboards_responsesample", "responded_at", "AND is_first")
    # Untimed resolutions (re-resolved with no customer message since) have no duration.
    res = _grouped(scope, "dashboards_resolutionsample", "resolved_at", "AND timed")
    overall = {"first_response": first["all"], "resolution": res["all"]}
    summary = Table(
        "speed_summary",
        _("Response and resolution times (minutes)"),
        [_("measure"), _("count"), _("median"), _("p90")],
        [
            [label, s["n"], minutes(s["median"]), minutes(s["p90"])]
            for label, s in (
                (_("First response time"), overall["first_response"]),
                (_("Resolution time"), overall["resolution"]),
            )
        ],
    )
    tables = [summary, resolved_by.build(scope)]
    grouped = {}
    for group, title, heading, mapping in (
        ("agent_id", "agent", _("By agent (minutes)"), None),
        ("team_id", "team", _("By team (minutes)"), names.teams(scope.workspace)),
    ):
        frt, rs = first[group], res[group]
        grouped[group] = {"first_response": frt, "resolution": rs}
        keys = set(frt) | set(rs)
        if mapping is None:
            mapping = names.users(keys)
        rows = []
        for key in keys:
            a, b = frt.get(key, EMPTY), rs.get(key, EMPTY)
            rows.append(
                [
                    names.label(mapping, key),
                    a["n"],
                    minutes(a["median"]),
                    minutes(a["p90"]),
                    b["n"],
                    minutes(b["median"]),
                    minutes(b["p90"]),
                ]
            )
        rows.sort(key=lambda r: (-r[1], r[0]))
        tables.append(
            Table(
                f"speed_by_{title}",
                heading,
                [
                    _(title),
                    _("first responses"),
                    _("first response median"),
                    _("first response p90"),
                    _("resolutions"),
                    _("resolution median"),
                    _("resolution p90"),
                ],
                rows,
            )
        )
    return {"tables": tables, "overall": overall, "summary": summary, "grouped": grouped}
