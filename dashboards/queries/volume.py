"""Volume: conversations opened (created or reopened) and resolved, messages in and out,
busiest hours."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext

from dashboards.models import ConversationStatusEvent, ResolutionSample
from inbox.models import Conversation

from . import names
from .hourly import Counters
from .scope import Scope
from .tables import Table


def weekday_names() -> list[str]:
    """ "Mon" .. "Sun" in the reader's language (Django's own abbreviations)."""
    return [str(WEEKDAYS_ABBR[d]) for d in range(7)]


def _reopenings() -> QuerySet:
    """A resolved conversation moved back to work (the customer wrote, or an agent reopened
    it): opened again. A snooze ending is not: the thread was never closed."""
    return ConversationStatusEvent.objects.filter(previous_status="resolved").exclude(
        status="resolved"
    )


def _per_day(qs: QuerySet, field: str, tz) -> dict:
    return dict(
        qs.annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )


def build(scope: Scope, counters: Counters) -> dict:
    tz = scope.tz
    created = _per_day(
        scope.narrow(Conversation.objects, at="created_at", agent="assignee_id"), "created_at", tz
    )
    reopened = _per_day(scope.narrow(_reopenings(), at="at"), "at", tz)
    opened = {d: created.get(d, 0) + reopened.get(d, 0) for d in set(created) | set(reopened)}
    resolved = _per_day(scope.narrow(ResolutionSample.objects, at="resolved_at"), "resolved_at", tz)
    per_day = defaultdict(lambda: {"inbound": 0, "outbound": 0})
    for (day, direction), n in counters.per_day.items():
        per_day[day][direction] += n
    per_channel = defaultdict(lambda: {"inbound": 0, "outbound": 0})
    for (channel_id, direction, _kind), sums in counters.per_key.items():
        per_channel[channel_id][direction] += sums["messages"]
    heat = [[0] * 24 for _ in range(7)]
    per_hour = [0] * 24
    for (weekday, hour, direction), n in counters.per_slot.items():
        if direction == "inbound":
            heat[weekday][hour] += n
            per_hour[hour] += n
    days = scope.days()
    daily = Table(
        "volume_daily",
        gettext("Per day"),
        [
            gettext("date"),
            gettext("conversations opened"),
            gettext("conversations resolved"),
            gettext("messages in"),
            gettext("messages out"),
            gettext("of the opened: reopened"),
        ],
        [
            [
                d.isoformat(),
                opened.get(d, 0),
                resolved.get(d, 0),
                per_day[d]["inbound"],
                per_day[d]["outbound"],
                reopened.get(d, 0),
            ]
            for d in days
        ],
    )
    channel_names = names.channels(scope.workspace)
    channels = Table(
        "volume_channels",
        gettext("Per channel"),
        [gettext("channel"), gettext("messages in"), gettext("messages out")],
        [
            [names.label(channel_names, cid), v["inbound"], v["outbound"]]
            for cid, v in sorted(per_channel.items(), key=lambda kv: -sum(kv[1].values()))
        ],
    )
    hours = Table(
        "volume_hours",
        gettext("Customer messages by hour of day"),
        [gettext("hour"), gettext("messages in")],
        [[f"{h:02d}:00", per_hour[h]] for h in range(24)],
    )
    heatmap = Table(
        "volume_heatmap",
        gettext("Customer messages by weekday and hour"),
        [gettext("weekday"), *[f"{h:02d}" for h in range(24)]],
        [[name, *heat[d]] for d, name in enumerate(weekday_names())],
    )
    totals = {
        "opened": sum(opened.values()),
        "reopened": sum(reopened.values()),
        "resolved": sum(resolved.values()),
        "inbound": sum(v["inbound"] for v in per_day.values()),
        "outbound": sum(v["outbound"] for v in per_day.values()),
    }
    return {
        "tables": [daily, channels, hours, heatmap],
        "totals": totals,
        "daily": daily,
        "heat": heat,
        "weekdays": weekday_names(),
    }
