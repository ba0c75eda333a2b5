"""When the workspace is open, and how much open time lies between two instants.

One reading of BusinessHours, Holiday and Workspace.timezone for everything that cares:
the out-of-hours reply asks `is_open`, dashboards measure response times with
`business_seconds`, so a reply counted as "within hours" is never one the customer was
told arrived out of hours. Schedules are wall-clock times in the workspace's zone; every
comparison happens in that zone and every duration in UTC, which keeps daylight-saving
days right (a 09:00-17:00 day is 8 hours on either side of a change; 00:00-24:00 on the
spring-forward day is 23).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from inbox.models import BusinessHours, Holiday, Workspace

MINUTES_PER_DAY = 24 * 60


def parse_hhmm(value: str) -> int:
    """Minutes after midnight for "HH:MM"; "24:00" is the end of the day."""
    hours, _, minutes = str(value).partition(":")
    total = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60) or not (0 <= total <= MINUTES_PER_DAY):
        raise ValueError(f"{value!r} is not a time of day")
    return total


@dataclass(frozen=True)
class Schedule:
    """A workspace's hours, loaded once; pass it instead of the workspace in loops."""

    tz: ZoneInfo
    enabled: bool = False
    # weekday (Monday = 0) -> [(start minute, end minute), ...]
    weekly: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    def intervals_on(self, day: date) -> list[tuple[int, int]]:
        if day in self.holidays:
            return []
        return self.weekly.get(day.weekday(), [])


def _weekly(raw: dict) -> dict[int, list[tuple[int, int]]]:
    weekly: dict[int, list[tuple[int, int]]] = {}
    for day, intervals in (raw or {}).items():
        parsed = []
        for start, end in intervals or []:
            try:
                s, e = parse_hhmm(start), parse_hhmm(end)
            except (TypeError, ValueError):
                continue
            if e > s:
                parsed.append((s, e))
        weekly[int(day)] = sorted(parsed)
    return weekly


def schedule_for(workspace: Workspace) -> Schedule:
    try:
        tz = ZoneInfo(workspace.timezone or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    hours = BusinessHours.objects.filter(workspace=workspace).first()
    if hours is None or not hours.enabled:
        return Schedule(tz=tz)
    holidays = frozenset(Holiday.objects.filter(workspace=workspace).values_list("date", flat=True))
    return Schedule(tz=tz, enabled=True, weekly=_weekly(hours.weekly), holidays=holidays)


def _schedule(source: Workspace | Schedule) -> Schedule:
    return source if isinstance(source, Schedule) else schedule_for(source)


def _local(day: date, minute: int, tz: ZoneInfo) -> datetime:
    if minute >= MINUTES_PER_DAY:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)


def is_open(source: Workspace | Schedule, at: datetime) -> bool:
    """Open at `at`? Always true when the workspace keeps no business hours."""
    schedule = _schedule(source)
    if not schedule.enabled:
        return True
    local = at.astimezone(schedule.tz)
    minute = local.hour * 60 + local.minute + local.second / 60
    return any(s <= minute < e for s, e in schedule.intervals_on(local.date()))


def business_seconds(start: datetime, end: datetime, source: Workspace | Schedule) -> float:
    """Seconds of open time in [start, end); plain elapsed seconds without business hours.

    No database writes; pass a preloaded Schedule (schedule_for) when calling it for many
    intervals of one workspace.
    """
    # Subtracting two datetimes that share a tzinfo is wall-clock arithmetic in Python,
    # which is wrong across a DST change; in UTC it is elapsed time.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0.0
    schedule = _schedule(source)
    if not schedule.enabled:
        return (end - start).total_seconds()
    tz = schedule.tz
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    total = 0.0
    while day <= last:
        for s, e in schedule.intervals_on(day):
            lo = max(start, _local(day, s, tz).astimezone(UTC))
            hi = min(end, _local(day, e, tz).astimezone(UTC))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total
