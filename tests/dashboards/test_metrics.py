"""Every figure of every section, from the known history in tests/dashboards/history.py."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import rollup
from dashboards.metrics import content_kind
from dashboards.models import ResponseSample
from dashboards.queries import agents, channel_health, engagement, hourly, now, speed, volume
from dashboards.queries.scope import Scope
from inbox.models import BusinessHours, Message

from . import history
from .history import DAY, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(workspace, agent):
    made = history.build(workspace, agent)
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    return made


def scope(workspace, first=DAY, last=DAY, **filters) -> Scope:
    return Scope(workspace=workspace, first_day=first, last_day=last, **filters)


def table(section: dict, name: str) -> list[list]:
    return next(t for t in section["tables"] if t.name == name).rows


def test_volume(workspace, world):
    s = scope(workspace)
    v = volume.build(s, hourly.load(s))
    assert v["totals"] == {"opened": 2, "reopened": 0, "resolved": 1, "inbound": 3, "outbound": 5}
    assert table(v, "volume_daily") == [["2026-03-10", 2, 1, 3, 5, 0]]
    assert sorted(table(v, "volume_channels")) == [["RCS", 2, 2], ["SMS", 1, 3]]
    tuesday = v["heat"][1]
    assert tuesday[10] == 2 and tuesday[23] == 1 and sum(map(sum, v["heat"])) == 3


def test_local_day_boundary_not_utc(workspace, world):
    """B's 23:30 EDT message is 03:30 UTC on the 11th but belongs to the local 10th."""
    s = scope(workspace, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    v = volume.build(s, hourly.load(s))
    assert v["totals"] == {"opened": 0, "reopened": 0, "resolved": 0, "inbound": 0, "outbound": 0}


def test_dst_day_is_23_hours_and_counts_its_late_evening(workspace, agent):
    """2026-03-08 in New York: clocks spring forward, the local day has 23 hours."""
    made = history.build(workspace, agent)
    day = dt.date(2026, 3, 8)
    history._msg(
        made["b"], made["sms"], "inbound", "contact", history.local(23, 30, day=day),
        {"type": "text", "text": "late"}, "received",
    )  # fmt: skip
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    s = scope(workspace, day, day)
    assert s.end.astimezone(dt.UTC) - s.start.astimezone(dt.UTC) == dt.timedelta(hours=23)
    v = volume.build(s, hourly.load(s))
    assert v["totals"]["inbound"] == 1
    assert v["heat"][6][23] == 1  # Sunday, 23:00 local


def test_speed(workspace, world):
    sp = speed.build(scope(workspace))
    first = sp["overall"]["first_response"]
    assert first["n"] == 2
    assert first["median"] == pytest.approx(12.5 * 60)  # 5 and 20 minutes
    assert first["p90"] == pytest.approx(18.5 * 60)
    # Every wait is sampled too (A's second wait: 10:30 -> 10:40).
    every = sorted(ResponseSample.objects.values_list("business_seconds", flat=True))
    assert every == [300.0, 600.0, 1200.0]
    res = sp["overall"]["resolution"]
    assert res["n"] == 1 and res["median"] == pytest.approx(60 * 60)
    assert sorted(table(sp, "speed_by_agent")) == [
        ["alice", 1, 5.0, 5.0, 1, 60.0, 60.0],
        ["bob", 1, 20.0, 20.0, 0, None, None],
    ]
    assert sorted(table(sp, "speed_by_team")) == [
        ["Blue", 1, 20.0, 20.0, 0, None, None],
        ["Red", 1, 5.0, 5.0, 1, 60.0, 60.0],
    ]


def test_business_hours_apply_and_change_remeasures(workspace, world):
    BusinessHours.objects.create(
        workspace=workspace, enabled=True, weekly={"1": [["09:00", "17:00"]]}
    )
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    first = speed.build(scope(workspace))["overall"]["first_response"]
    # A's 5 minutes fall in hours; B waited 23:30-23:50, outside them: 0.
    assert first["n"] == 2 and first["median"] == pytest.approx(2.5 * 60)


def test_filters_narrow_every_section(workspace, world, agent):
    s = scope(workspace, channel_id=world["rcs"].pk)
    v = volume.build(s, hourly.load(s))
    assert v["totals"] == {"opened": 1, "reopened": 0, "resolved": 1, "inbound": 2, "outbound": 2}
    s = scope(workspace, team_id=world["blue"].pk)
    assert speed.build(s)["overall"]["first_response"]["n"] == 1
    s = scope(workspace, agent_id=agent.pk)
    assert volume.build(s, hourly.load(s))["totals"]["outbound"] == 2


def test_channel_health(workspace, world):
    s = scope(workspace)
    ch = channel_health.build(s, hourly.load(s))
    rows = {r[0]: r[1:] for r in table(ch, "channel_health")}
    # outbound, % sent, % delivered, % read, % failed, segments, arrived by fallback
    assert rows["RCS"] == [2, 100.0, 100.0, 50.0, 0.0, 2, 0]
    assert rows["SMS"] == [3, 66.7, 33.3, 0.0, 33.3, 3, 1]
    assert table(ch, "channel_failures") == [["SMS", "30007: Carrier violation", 1]]
    assert table(ch, "channel_fallbacks") == [["RCS", "not RCS capable", 1]]
    assert table(ch, "channel_optouts") == [["2026-03-10", 1]]


def test_engagement(workspace, world):
    s = scope(workspace)
    en = engagement.build(s, hourly.load(s))
    # outbound, sent, read rate (of delivered), reply rate (of sent)
    by_channel = {r[0]: r[1:] for r in table(en, "engagement_channels")}
    assert by_channel["RCS"] == [2, 2, 50.0, 50.0]
    assert by_channel["SMS"] == [3, 2, None, 0.0]  # SMS cannot report reads
    styles = {(r[0], r[1]): r[2:] for r in table(en, "engagement_styles")}
    assert styles[("RCS", "Rich card / carousel")] == [1, 1, 100.0, 100.0]
    assert styles[("RCS", "Plain text")] == [1, 1, 0.0, 0.0]
    assert table(en, "engagement_chips") == [["RCS", "Yes", 1]]


def test_agents(workspace, world, agent):
    board = table(
        agents.build(
            scope(workspace),
            local(12, day=DAY + dt.timedelta(days=2)),
            speed.build(scope(workspace)),
        ),
        "agents_leaderboard",
    )
    rows = {r[0]: r[1:] for r in board}
    assert rows["alice"] == ["agent", 1, 2, 5.0, 60.0, 3.0]
    assert rows["bob"] == ["agent", 1, 2, 20.0, None, 0.0]
    assert set(rows) == {"alice", "bob"}


def test_now_tiles(workspace, world):
    type(world["b"]).objects.filter(pk=world["b"].pk).update(waiting_since=local(23, 30))
    tiles = now.build(scope(workspace), now=local(23, 40))
    assert tiles["waiting"] == 1 and tiles["open"] == 1
    assert tiles["oldest_seconds"] == pytest.approx(600)


def test_rollup_is_idempotent(workspace, world):
    s = scope(workspace)
    before = volume.build(s, hourly.load(s))["totals"]
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    rollup.rebuild(workspace)
    assert volume.build(s, hourly.load(s))["totals"] == before
    assert ResponseSample.objects.count() == 3


def test_late_status_on_an_old_day_is_picked_up(workspace, world):
    """A read receipt recorded now for last week's message marks that day (status events
    are followed by id)."""
    from inbox.models import MessageStatusEvent

    text = Message.objects.get(conversation=world["a"], content__text="Great")
    Message.objects.filter(pk=text.pk).update(status="read", read_at=local(13))
    MessageStatusEvent.objects.create(message=text, status="read", at=local(13), source="webhook")
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=7)))
    s = scope(workspace)
    rows = {r[0]: r for r in table(channel_health.build(s, hourly.load(s)), "channel_health")}
    assert rows["RCS"][4] == 100.0


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"type": "text", "text": "a"}, content_kind.TEXT),
        (
            {"type": "text", "text": "a", "suggestions": [{"type": "reply"}]},
            content_kind.SUGGESTIONS,
        ),
        ({"type": "card", "card": {}, "suggestions": [{"type": "reply"}]}, content_kind.RICH_CARD),
        ({"type": "carousel", "cards": []}, content_kind.RICH_CARD),
        ({"type": "media", "url": "u"}, content_kind.MEDIA),
        ({"type": "location"}, content_kind.OTHER),
    ],
)
def test_content_kind_sql_and_python_agree(workspace, agent, content, kind):
    from django.db import connection

    assert content_kind.of(content) == kind
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {content_kind.SQL_TYPE}, {content_kind.SQL_HAS_SUGGESTIONS} "
            "FROM (SELECT %s::jsonb AS content) m",
            [__import__("json").dumps(content)],
        )
        ctype, has = cursor.fetchone()
    assert content_kind.classify(ctype, bool(has)) == kind
