"""Days a change touched, beyond the two the roll-up recomputes every run anyway."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dashboards.models import DirtyDay


def utc_day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


def mark(workspace_id: int, at: dt.datetime) -> None:
    """Remember the day of `at` unless it is today or yesterday (always recomputed), so
    the common case costs no write."""
    day = utc_day(at)
    if day >= utc_day(timezone.now()) - dt.timedelta(days=1):
        return
    DirtyDay.objects.bulk_create(
        [DirtyDay(workspace_id=workspace_id, day=day)], ignore_conflicts=True
    )


def take(workspace_id: int) -> set[dt.date]:
    rows = list(DirtyDay.objects.filter(workspace_id=workspace_id).values_list("pk", "day"))
    DirtyDay.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return {day for _, day in rows}
