"""Which counter bucket a message falls in: the workspace's local hour.

Buckets are local hours stored as the UTC instant each begins. UTC hours would be simpler
but are wrong in zones whose offset is not a whole number of hours (Asia/Kolkata +05:30,
Asia/Kathmandu +05:45): the UTC hour 18:00-19:00 holds both 23:45 on one local day and
00:15 on the next, and no re-bucketing on read can split it again.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_HOUR = dt.timedelta(hours=1)
# Slack before a UTC day's first instant in which its messages' buckets can begin.
BEFORE_DAY = _HOUR


class LocalHours:
    """Maps instants to the start of their local hour (cached per UTC minute: zone offsets
    and their changes fall on whole minutes)."""

    def __init__(self, tz: str) -> None:
        self.zone = ZoneInfo(tz or "UTC")
        self._cache: dict[dt.datetime, dt.datetime] = {}

    def start(self, at: dt.datetime) -> dt.datetime:
        minute = at.astimezone(dt.UTC).replace(second=0, microsecond=0)
        hour = self._cache.get(minute)
        if hour is None:
            offset = minute.astimezone(self.zone).utcoffset() or dt.timedelta(0)
            hour = (minute + offset).replace(minute=0) - offset
            self._cache[minute] = hour
        return hour
