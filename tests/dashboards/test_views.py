"""The page, its fragment and its CSV exports: roles, tenancy, bad input, real figures."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import rollup

from . import history
from .history import DAY, local

pytestmark = pytest.mark.django_db

URL = "/w/acme/dashboards/"
RANGE = {"start": "2026-03-10", "end": "2026-03-10"}


@pytest.fixture
def world(workspace, agent):
    made = history.build(workspace, agent)
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    return made


@pytest.mark.parametrize("path", [URL, URL + "now/"])
def test_agent_gets_403(client, agent, path):
    client.force_login(agent)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [URL, URL + "now/"])
def test_other_workspace_is_404(client, outsider, workspace, path):
    client.force_login(outsider)
    assert client.get(path).status_code == 404


def test_anonymous_is_sent_to_login(client, workspace):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_manager_and_admin_see_every_section(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL, RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("volume", "speed", "channels", "engagement", "agents"):
        assert f'data-testid="section-{section}"' in html
    assert 'data-testid="total-in">3<' in html
    assert 'data-testid="total-reopened">0<' in html
    assert 'data-testid="total-out">5<' in html
    assert "<svg" in html and 'data-testid="heatmap"' in html
    assert "30007: Carrier violation" in html


def test_default_range_is_the_last_30_days(client, manager, workspace):
    client.force_login(manager)
    response = client.get(URL)
    assert response.status_code == 200
    scope = response.context["scope"]
    assert (scope.last_day - scope.first_day).days == 29


def test_csv_export_has_the_table(client, manager, world):
    client.force_login(manager)
    response = client.get(URL, {**RANGE, "format": "csv", "table": "channel_health"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("channel,outbound,% sent")
    assert "SMS,3,66.7,33.3,0.0,33.3,3,1" in lines


def test_unknown_csv_table_is_400(client, manager, world):
    client.force_login(manager)
    assert client.get(URL, {**RANGE, "format": "csv", "table": "nope"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-03-11", "end": "2026-03-10"},
        {"start": "not-a-date"},
        {"channel": "999999"},
        {"start": "2020-01-01", "end": "2026-01-01"},
    ],
)
def test_bad_filters_are_a_readable_400(client, manager, workspace, params):
    client.force_login(manager)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_channel_filter_of_another_workspace_is_refused(client, manager, world, other_workspace):
    from inbox.models import Channel

    foreign = Channel.objects.create(workspace=other_workspace, kind="sms", name="Theirs")
    client.force_login(manager)
    assert client.get(URL, {"channel": foreign.pk}).status_code == 400


def test_now_fragment_counts_waiting(client, manager, world):
    type(world["b"]).objects.filter(pk=world["b"].pk).update(waiting_since=local(23, 30))
    client.force_login(manager)
    response = client.get(URL + "now/")
    assert response.status_code == 200
    assert 'data-testid="now-waiting">1<' in response.content.decode()


def test_page_query_count_is_bounded(client, manager, world, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(40):
        assert client.get(URL, RANGE).status_code == 200
