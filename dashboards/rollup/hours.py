"""The workspace's clock for durations: time zone, business hours (when enabled), holidays."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from dashboards.metrics.business_time import business_seconds
from inbox.models import BusinessHours, Holiday, Workspace


@dataclass(frozen=True)
class WorkClock:
    tz: str
    weekly: dict | None  # None: no business hours, durations are elapsed time
    holidays: frozenset[dt.date]

    def seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        return business_seconds(start, end, self.weekly, self.holidays, self.tz)

    @property
    def fingerprint(self) -> str:
        """Changes when anything that shapes a business-hours duration changes."""
        blob = json.dumps(
            [self.tz, self.weekly, sorted(d.isoformat() for d in self.holidays)], sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()


def clock_for(workspace: Workspace) -> WorkClock:
    hours = BusinessHours.objects.filter(workspace=workspace).first()
    weekly = hours.weekly if hours is not None and hours.enabled else None
    holidays = (
        frozenset(Holiday.objects.filter(workspace=workspace).values_list("date", flat=True))
        if weekly is not None
        else frozenset()
    )
    return WorkClock(tz=workspace.timezone or "UTC", weekly=weekly, holidays=holidays)
