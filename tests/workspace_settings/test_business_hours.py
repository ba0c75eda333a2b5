"""is_open and business_seconds: schedules in the workspace's zone, holidays, DST days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from inbox.models import BusinessHours, Holiday
from inbox.services.business_hours import Schedule, business_seconds, is_open, schedule_for

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@pytest.fixture
def berlin(workspace):
    workspace.timezone = "Europe/Berlin"
    workspace.save()
    BusinessHours.objects.create(
        workspace=workspace,
        enabled=True,
        weekly={str(d): [["09:00", "12:00"], ["13:00", "17:00"]] for d in range(5)},
    )
    return workspace


def at(y, m, d, h, mi=0, tz=BERLIN):
    return dt.datetime(y, m, d, h, mi, tzinfo=tz)


def test_open_inside_intervals_in_local_time(berlin):
    assert is_open(berlin, at(2025, 1, 6, 9))  # Monday 09:00 Berlin
    assert not is_open(berlin, at(2025, 1, 6, 8, 59))
    assert not is_open(berlin, at(2025, 1, 6, 12, 30))  # lunch gap
    assert not is_open(berlin, at(2025, 1, 6, 17))  # closing time is exclusive
    assert not is_open(berlin, at(2025, 1, 4, 10))  # Saturday
    # 08:30 UTC is 09:30 in Berlin in winter: open, although 08:30 < 09:00.
    assert is_open(berlin, dt.datetime(2025, 1, 6, 8, 30, tzinfo=UTC))


def test_holiday_closes_the_whole_local_day(berlin):
    Holiday.objects.create(workspace=berlin, date=dt.date(2025, 1, 6), name="Epiphany")
    assert not is_open(berlin, at(2025, 1, 6, 10))
    assert is_open(berlin, at(2025, 1, 7, 10))


def test_disabled_hours_are_always_open(workspace):
    BusinessHours.objects.create(workspace=workspace, enabled=False)
    assert is_open(workspace, at(2025, 1, 4, 3))
    start, end = at(2025, 1, 4, 0), at(2025, 1, 5, 0)
    assert business_seconds(start, end, workspace) == 86400


def test_business_seconds_counts_only_open_time(berlin):
    # Friday 16:00 -> Monday 10:00: 1 h on Friday + 1 h on Monday.
    assert business_seconds(at(2025, 1, 10, 16), at(2025, 1, 13, 10), berlin) == 2 * 3600
    # A full working day: 3 h + 4 h.
    assert business_seconds(at(2025, 1, 6, 0), at(2025, 1, 7, 0), berlin) == 7 * 3600
    assert business_seconds(at(2025, 1, 6, 12, 10), at(2025, 1, 6, 12, 50), berlin) == 0
    assert business_seconds(at(2025, 1, 7, 0), at(2025, 1, 6, 0), berlin) == 0


def test_business_seconds_across_daylight_saving_changes():
    tz = ZoneInfo("Europe/Berlin")
    allday = {str(d): [["00:00", "24:00"]] for d in range(7)}
    schedule = Schedule(tz=tz, enabled=True, weekly={int(k): [(0, 1440)] for k in allday})
    # 30 March 2025: clocks jump 02:00 -> 03:00, so the local day has 23 hours.
    spring = business_seconds(
        dt.datetime(2025, 3, 30, tzinfo=tz), dt.datetime(2025, 3, 31, tzinfo=tz), schedule
    )
    assert spring == 23 * 3600
    # 26 October 2025: 03:00 -> 02:00, a 25-hour day.
    autumn = business_seconds(
        dt.datetime(2025, 10, 26, tzinfo=tz), dt.datetime(2025, 10, 27, tzinfo=tz), schedule
    )
    assert autumn == 25 * 3600
    # 09:00-17:00 stays 8 hours on either change.
    nine_five = Schedule(tz=tz, enabled=True, weekly={d: [(540, 1020)] for d in range(7)})
    for day in (dt.date(2025, 3, 30), dt.date(2025, 10, 26)):
        start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        assert business_seconds(start, start + dt.timedelta(days=1), nine_five) == 8 * 3600


def test_schedule_for_reads_one_row_and_ignores_broken_intervals(workspace):
    BusinessHours.objects.create(
        workspace=workspace, enabled=True, weekly={"0": [["09:00", "17:00"], ["bad", "x"]]}
    )
    schedule = schedule_for(workspace)
    assert schedule.weekly[0] == [(540, 1020)]
