"""business_seconds: opening hours in the workspace's zone, across weekends, holidays and
daylight-saving changes (Europe/Berlin: 2026-03-29 springs forward, 2026-10-25 falls back)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dashboards.metrics.business_time import business_seconds

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_5 = {str(d): [["09:00", "17:00"]] for d in range(5)}
ALL_DAY = {str(d): [["00:00", "24:00"]] for d in range(7)}


def at(*args, tz=BERLIN) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def test_no_business_hours_counts_elapsed_time():
    assert business_seconds(at(2026, 3, 2, 8), at(2026, 3, 2, 9, 30), None, [], BERLIN) == 5400


def test_reversed_interval_is_zero():
    assert business_seconds(at(2026, 3, 2, 10), at(2026, 3, 2, 9), WEEKDAYS_9_TO_5, [], BERLIN) == 0


def test_weekend_is_skipped():
    # Friday 16:50 -> Monday 09:10: ten minutes on Friday, ten on Monday.
    friday, monday = at(2026, 3, 6, 16, 50), at(2026, 3, 9, 9, 10)
    assert business_seconds(friday, monday, WEEKDAYS_9_TO_5, [], "Europe/Berlin") == 20 * 60


def test_outside_hours_only_is_zero():
    assert (
        business_seconds(at(2026, 3, 2, 18), at(2026, 3, 2, 23), WEEKDAYS_9_TO_5, [], BERLIN) == 0
    )


def test_holiday_is_closed_all_day():
    start, end = at(2026, 3, 2, 8), at(2026, 3, 3, 18)
    assert business_seconds(start, end, WEEKDAYS_9_TO_5, [dt.date(2026, 3, 2)], BERLIN) == 8 * 3600


def test_several_windows_a_day():
    weekly = {"0": [["09:00", "12:00"], ["13:00", "17:00"]]}
    assert business_seconds(at(2026, 3, 2, 11), at(2026, 3, 2, 14), weekly, [], BERLIN) == 7200


def test_spring_forward_day_has_23_hours():
    start, end = at(2026, 3, 29, 0), at(2026, 3, 30, 0)
    assert business_seconds(start, end, ALL_DAY, [], BERLIN) == 23 * 3600


def test_fall_back_day_has_25_hours():
    start, end = at(2026, 10, 25, 0), at(2026, 10, 26, 0)
    assert business_seconds(start, end, ALL_DAY, [], BERLIN) == 25 * 3600


def test_window_across_the_skipped_hour_counts_real_seconds():
    # 01:00-04:00 local on the spring-forward night: 02:00-03:00 never happens.
    weekly = {"6": [["01:00", "04:00"]]}
    start, end = at(2026, 3, 28, 12), at(2026, 3, 30, 0)
    assert business_seconds(start, end, weekly, [], BERLIN) == 2 * 3600


def test_window_across_the_repeated_hour_counts_real_seconds():
    weekly = {"6": [["01:00", "04:00"]]}
    start, end = at(2026, 10, 24, 12), at(2026, 10, 26, 0)
    assert business_seconds(start, end, weekly, [], BERLIN) == 4 * 3600


def test_nine_to_five_on_a_dst_day_is_eight_hours():
    weekly = {"0": [["09:00", "17:00"]]}  # Monday 2026-03-30, the day after the change
    start, end = at(2026, 3, 29, 0), at(2026, 3, 31, 0)
    assert business_seconds(start, end, weekly, [], BERLIN) == 8 * 3600


def test_instants_in_other_zones_are_compared_as_instants():
    # 08:30 UTC is 09:30 in Berlin (winter): half an hour after opening.
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
    assert business_seconds(start, end, WEEKDAYS_9_TO_5, [], BERLIN) == 30 * 60
