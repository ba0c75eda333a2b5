"""The roll-up's memory does not grow with the day's messages: the day (its messages, its
response and resolution samples) is streamed from a server-side cursor, a few rows at a
time, and the billing-units answers it keeps are bounded. Beat runs the roll-up every
minute in the workers; holding a 100,000-message day at once grew each worker by hundreds
of MiB during a campaign (bench/campaign)."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from dashboards import rollup
from dashboards.models import HourlyChannelStats
from dashboards.rollup import counters, stream
from inbox.models import Message

from . import history
from .history import DAY, local

pytestmark = pytest.mark.django_db


def _channel_totals(workspace) -> list[tuple]:
    return sorted(
        HourlyChannelStats.objects.filter(workspace=workspace).values_list(
            "hour", "channel_id", "direction", "kind", "messages", "sent", "failed", "segments"
        )
    )


def test_the_day_is_read_a_few_rows_at_a_time(workspace, agent, monkeypatch):
    history.build(workspace, agent)
    now = local(12, day=DAY + dt.timedelta(days=1))
    rollup.run_workspace(workspace, now=now)
    expected = _channel_totals(workspace)
    assert expected  # the history has counters to compare

    fetched: list[int] = []
    real_fetchmany = psycopg.ServerCursor.fetchmany

    def spy(self, size=0):
        rows = real_fetchmany(self, size)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(psycopg.ServerCursor, "fetchmany", spy)
    monkeypatch.setattr(stream, "FETCH_ROWS", 2)
    rollup.run_workspace(workspace, now=now)

    start = dt.datetime.combine(DAY, dt.time(0), dt.UTC)
    on_day = Message.objects.filter(
        workspace=workspace,
        created_at__gte=start,
        created_at__lt=start + dt.timedelta(days=1),
        direction__in=["inbound", "outbound"],
    ).count()
    assert on_day > 2  # more than one fetch's worth
    assert max(fetched) <= 2  # never the whole day in memory
    assert sum(fetched) >= on_day  # every row of the day came through the cursor
    assert _channel_totals(workspace) == expected  # same figures across fetch boundaries


def test_billing_units_answers_are_bounded(monkeypatch):
    """Campaign texts are unique per recipient: one answer kept per message would grow
    with the day."""
    monkeypatch.setattr(counters, "UNITS_CACHE_MAX", 5)
    units = counters._Units()
    answers = [units(0, f"text {i}") for i in range(50)]  # channel 0: none, one unit each
    assert answers == [1] * 50
    assert len(units.cache) <= 5
