"""A campaign's local sending window: between two wall-clock times in each recipient's
own zone (e.g. 9:00-20:00), told from the number's country or region by phonenumbers'
time-zone data.

A recipient outside the window is not skipped: the message is written now and held in
`queued` until the window next opens (`Message.not_before`), which the outbox respects.
A number whose region spans several zones is held until the window is open in the
latest of them; an unknown region uses the workspace's zone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

UNKNOWN_ZONE = "Etc/Unknown"


@lru_cache(maxsize=4096)
def _zones_of(phone: str) -> tuple[str, ...]:
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return ()
    return tuple(z for z in phone_zones.time_zones_for_number(number) if z != UNKNOWN_ZONE)


def recipient_zones(phone: str, *, default: str) -> list[ZoneInfo]:
    """The zones a number may be in (its region's), else `default`."""
    names = _zones_of(phone) or (default,)
    zones = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except ZoneInfoNotFoundError:
            continue
    return zones or [ZoneInfo(default)]


def is_open(local: time, start: time, end: time) -> bool:
    """`local` inside [start, end); a window past midnight (22:00-06:00) wraps."""
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def next_opening(now: datetime, zone: ZoneInfo, start: time, end: time) -> datetime | None:
    """None when the window is open at `now` in `zone`; else when it next opens (aware)."""
    local = now.astimezone(zone)
    if is_open(local.time(), start, end):
        return None
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    opening = datetime.combine(day, start, tzinfo=zone)
    # A start inside a spring-forward gap does not exist that day: the first real minute.
    return max(opening, now)


def hold_until(
    phone: str | None, *, start: time | None, end: time | None, now: datetime, default_zone: str
) -> datetime | None:
    """When this recipient's message may leave, or None for at once (no window, or open
    in every zone the number may be in)."""
    if start is None or end is None or start == end or not phone:
        return None
    openings = [
        opening
        for zone in recipient_zones(phone, default=default_zone)
        if (opening := next_opening(now, zone, start, end)) is not None
    ]
    return max(openings) if openings else None
