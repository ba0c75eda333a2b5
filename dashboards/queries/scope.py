"""The dashboard's question: which workspace, which local days, which channel/team/agent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from inbox.models import Workspace


@dataclass(frozen=True)
class Scope:
    workspace: Workspace
    first_day: dt.date  # local, inclusive
    last_day: dt.date  # local, inclusive
    channel_id: int | None = None
    team_id: int | None = None
    agent_id: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.workspace.timezone or "UTC")

    @property
    def start(self) -> dt.datetime:
        """Local midnight that opens the first day, as an aware instant (DST-correct)."""
        return dt.datetime.combine(self.first_day, dt.time(0), self.tz)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(0), self.tz)

    def days(self) -> list[dt.date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(count)]

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.tz)

    def narrow(
        self,
        qs: QuerySet,
        *,
        at: str,
        channel: str | None = "channel_id",
        team: str | None = "team_id",
        agent: str | None = "agent_id",
    ) -> QuerySet:
        """Workspace, time range on field `at`, and the filters on the named fields."""
        q = Q(workspace=self.workspace, **{f"{at}__gte": self.start, f"{at}__lt": self.end})
        if self.channel_id is not None and channel:
            q &= Q(**{channel: self.channel_id})
        if self.team_id is not None and team:
            q &= Q(**{team: self.team_id})
        if self.agent_id is not None and agent:
            q &= Q(**{agent: self.agent_id})
        return qs.filter(q)
