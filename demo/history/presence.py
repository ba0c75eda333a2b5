"""The demo agents' past shifts as presence spans, for the dashboards' online time."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from inbox.models import Presence, PresenceSpan, Workspace

from .script import DAYS, SEED


def store_presence(workspace: Workspace, users: list, now: datetime) -> None:
    """Weekday shifts with a lunch break: what the dashboards' online time sums."""
    rng = random.Random(SEED + 1)
    tz = ZoneInfo(workspace.timezone or "UTC")
    today = now.astimezone(tz).date()
    spans = []
    for days_ago in range(DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for user in users:
            if rng.random() < 0.1:  # a day off
                continue

            def at(hour: int, minute: int, day=day) -> datetime:
                return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)

            shift = [
                (Presence.ONLINE, at(8, rng.randint(45, 59)), at(12, 30)),
                (Presence.AWAY, at(12, 30), at(13, rng.randint(5, 20))),
                (Presence.ONLINE, at(13, 20), at(17, rng.randint(0, 20))),
            ]
            spans += [
                PresenceSpan(workspace=workspace, user=user, status=s, started_at=a, ended_at=b)
                for s, a, b in shift
            ]
    PresenceSpan.objects.bulk_create(spans)
