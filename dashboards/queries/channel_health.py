"""Channel health: how far outbound messages got, why they failed or fell back, what SMS
cost in segments, and opt-outs over time."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from dashboards.models import ConsentEvent, ReasonCount

from . import names
from .hourly import Counters
from .scope import Scope
from .tables import Table, pct


def reasons(scope: Scope, kind: str, limit: int = 10) -> list[tuple[int, str, int]]:
    return list(
        scope.narrow(ReasonCount.objects.filter(kind=kind), at="hour")
        .values("channel_id", "reason")
        .annotate(n=Sum("count"))
        .order_by("-n", "reason")
        .values_list("channel_id", "reason", "n")[:limit]
    )


def build(scope: Scope, counters: Counters) -> dict:
    channel_names = names.channels(scope.workspace)
    per = counters.per_channel(
        "outbound", ("messages", "sent", "delivered", "read", "failed", "fell_back", "segments")
    )
    health_rows = []
    for cid, acc in sorted(per.items(), key=lambda kv: -kv[1]["messages"]):
        out = acc["messages"]
        health_rows.append(
            [
                names.label(channel_names, cid),
                out,
                pct(acc["sent"], out),
                pct(acc["delivered"], out),
                pct(acc["read"], out),
                pct(acc["failed"], out),
                acc["segments"],
                acc["fell_back"],
            ]
        )
    health = Table(
        "channel_health",
        _("Outbound messages per channel (% of outbound)"),
        [
            _("channel"),
            _("outbound"),
            _("% sent"),
            _("% delivered"),
            _("% read"),
            _("% failed"),
            _("billing units (SMS segments)"),
            _("arrived here by fallback"),
        ],
        health_rows,
    )
    failures = Table(
        "channel_failures",
        _("Top failure reasons"),
        [_("channel"), _("reason"), _("messages")],
        [[names.label(channel_names, c), r, n] for c, r, n in reasons(scope, ReasonCount.FAILURE)],
    )
    fallbacks = Table(
        "channel_fallbacks",
        _("Messages that fell back (e.g. RCS to SMS), by original channel and reason"),
        [_("from channel"), _("reason"), _("messages")],
        [[names.label(channel_names, c), r, n] for c, r, n in reasons(scope, ReasonCount.FALLBACK)],
    )
    events = ConsentEvent.objects.filter(
        workspace=scope.workspace, opted_out=True, at__gte=scope.start, at__lt=scope.end
    )
    if scope.channel_id is not None:
        events = events.filter(channel_id=scope.channel_id)
    # One per address per day: opting out twice in a day (out, in, out) is one opt-out.
    by_day = dict(
        events.annotate(day=TruncDate("at", tzinfo=scope.tz))
        .values("day")
        .annotate(n=Count("consent_id", distinct=True))
        .values_list("day", "n")
    )
    optouts = Table(
        "channel_optouts",
        _("Opt-outs per day (every opt-out, including addresses that opted back in since)"),
        [_("date"), _("opt-outs")],
        [[d.isoformat(), by_day.get(d, 0)] for d in scope.days()],
    )
    return {"tables": [health, failures, fallbacks, optouts], "health": health, "optouts": optouts}
