"""Counters in zones whose offset is not a whole hour: Asia/Kolkata (+05:30) and
Asia/Kathmandu (+05:45). With UTC-hour buckets a message just before local midnight and
one just after share a bucket, and one of them lands on the wrong local day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dashboards import rollup
from dashboards.models import HourlyChannelStats
from dashboards.queries import hourly, volume
from dashboards.queries.scope import Scope
from inbox.models import Channel, Contact, Conversation, Message

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
NEXT = DAY + dt.timedelta(days=1)


def setup(workspace, tz: str, local_times: list[dt.datetime]) -> None:
    workspace.timezone = tz
    workspace.save(update_fields=["timezone"])
    sms = Channel.objects.create(workspace=workspace, kind="sms", name="SMS")
    conv = Conversation.objects.create(
        workspace=workspace,
        contact=Contact.objects.create(workspace=workspace, name="Ann"),
        channel=sms,
    )
    for at in local_times:
        Message.objects.create(
            workspace=workspace, conversation=conv, channel=sms, direction="inbound",
            author="contact", content={"type": "text", "text": "hi"}, text="hi",
            status="received", created_at=at,
        )  # fmt: skip
    rollup.run_workspace(workspace, now=dt.datetime(2026, 3, 13, 12, tzinfo=dt.UTC))


def day_totals(workspace, day: dt.date) -> dict:
    s = Scope(workspace=workspace, first_day=day, last_day=day)
    return volume.build(s, hourly.load(s))


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        # 23:45 IST = 18:15 UTC, 00:15 IST = 18:45 UTC: the same UTC hour.
        ("Asia/Kolkata", dt.time(23, 45), dt.time(0, 15)),
        # 23:50 NPT = 18:05 UTC, 00:10 NPT = 18:25 UTC: the same UTC hour.
        ("Asia/Kathmandu", dt.time(23, 50), dt.time(0, 10)),
    ],
)
def test_messages_either_side_of_local_midnight_stay_on_their_local_days(
    workspace, tz, before, after
):
    zone = ZoneInfo(tz)
    late = dt.datetime.combine(DAY, before, zone)
    early = dt.datetime.combine(NEXT, after, zone)
    assert late.astimezone(dt.UTC).hour == early.astimezone(dt.UTC).hour == 18
    setup(workspace, tz, [late, early])
    first, second = day_totals(workspace, DAY), day_totals(workspace, NEXT)
    assert first["totals"]["inbound"] == 1 and second["totals"]["inbound"] == 1
    assert first["heat"][DAY.weekday()][23] == 1
    assert second["heat"][NEXT.weekday()][0] == 1
    assert [r[3] for r in first["daily"].rows] == [1]


def test_a_local_hour_across_utc_midnight_is_summed_and_recomputes_idempotently(workspace):
    """05:00-06:00 IST on the 11th is 23:30 on the 10th to 00:30 UTC on the 11th: two UTC
    days each write their part of that hour; recomputing either replaces only its part."""
    zone = ZoneInfo("Asia/Kolkata")
    a = dt.datetime.combine(NEXT, dt.time(5, 15), zone)  # 23:45 UTC on the 10th
    b = dt.datetime.combine(NEXT, dt.time(5, 45), zone)  # 00:15 UTC on the 11th
    setup(workspace, "Asia/Kolkata", [a, b])
    assert HourlyChannelStats.objects.filter(workspace=workspace).count() == 2
    for _ in range(2):
        assert day_totals(workspace, NEXT)["heat"][NEXT.weekday()][5] == 2
        rollup.rebuild(workspace)
    assert HourlyChannelStats.objects.filter(workspace=workspace).count() == 2


def test_changing_the_workspace_zone_rebuckets_the_counters(workspace):
    zone = ZoneInfo("Asia/Kolkata")
    late = dt.datetime.combine(DAY, dt.time(23, 45), zone)
    early = dt.datetime.combine(NEXT, dt.time(0, 15), zone)
    setup(workspace, "UTC", [late, early])  # both 18:xx UTC on the 10th
    assert day_totals(workspace, NEXT)["totals"]["inbound"] == 0
    workspace.timezone = "Asia/Kolkata"
    workspace.save(update_fields=["timezone"])
    rollup.run_workspace(workspace, now=dt.datetime(2026, 3, 13, 12, 1, tzinfo=dt.UTC))
    assert day_totals(workspace, DAY)["totals"]["inbound"] == 1
    assert day_totals(workspace, NEXT)["totals"]["inbound"] == 1
