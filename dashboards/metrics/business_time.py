"""Business-hours durations: how long a customer waited while the workspace was open.

A wait that starts Friday 16:50 and ends Monday 09:10 is 20 minutes to a team that works
09:00-17:00 on weekdays, not 64 hours. The opening hours are local wall-clock times in the
workspace's time zone, so each local day's windows are turned into real instants with that
zone (a 09:00-17:00 day is 8 hours even on a daylight-saving change day, because both ends
are local times; a window that crosses the skipped or repeated hour is measured in real
elapsed seconds). Pure: no database, so it is tested on its own and used by the roll-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

Weekly = Mapping[str, Iterable[Iterable[str]]]


def _parse(hhmm: str) -> dt.time | None:
    """ "24:00" means midnight at the end of the day (None); anything else is a clock time."""
    if hhmm in ("24:00", "24:00:00"):
        return None
    hours, minutes = hhmm.split(":")[:2]
    return dt.time(int(hours), int(minutes))


def _local_instant(day: dt.date, clock: dt.time | None, tz: ZoneInfo) -> dt.datetime:
    if clock is None:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
    # fold=0: in a repeated hour the earlier instant; in a skipped hour, zoneinfo maps the
    # wall time forward by the gap, which is what a clock on the wall would show.
    return dt.datetime.combine(day, clock, tz)


def open_windows(
    day: dt.date, weekly: Weekly, holidays: frozenset[dt.date] | set[dt.date], tz: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The aware [start, end) instants the workspace is open on local date `day`."""
    if day in holidays:
        return []
    windows = []
    for start, end in weekly.get(str(day.weekday()), []) or []:
        a = _local_instant(day, _parse(start), tz)
        b = _local_instant(day, _parse(end), tz)
        if b > a:
            windows.append((a, b))
    return windows


def business_seconds(
    start: dt.datetime,
    end: dt.datetime,
    weekly: Weekly | None,
    holidays: Iterable[dt.date],
    tz: str | ZoneInfo,
) -> float:
    """Seconds between two aware instants that fall inside opening hours.

    `weekly` is BusinessHours.weekly ({"0": [["09:00", "17:00"]], ...}, Monday = 0); None
    means the workspace has no business hours and the plain elapsed time counts. Holidays
    are whole local days closed. A reversed interval is 0.
    """
    if end <= start:
        return 0.0
    if weekly is None:
        return (end - start).total_seconds()
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    closed = frozenset(holidays)
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date()
    total = 0.0
    day = first
    while day <= last:
        for a, b in open_windows(day, weekly, closed, zone):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                # Subtract in UTC: aware datetimes in the same zone subtract as wall times.
                total += (hi.astimezone(dt.UTC) - lo.astimezone(dt.UTC)).total_seconds()
        day += dt.timedelta(days=1)
    return total
