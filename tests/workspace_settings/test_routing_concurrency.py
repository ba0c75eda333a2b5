"""Round-robin under real concurrency: conversations routed at the same moment from
separate threads (separate PostgreSQL connections) serialise on the Team row lock, so
they land on different agents and the per-agent cap holds."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from inbox.models import Conversation
from tests.web.fakes import inbound
from tests.workspace_settings.routing_team import agent_with_presence, round_robin_team

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20  # upper bound for a thread to reach a state; not a performance claim


@pytest.fixture
def team(workspace, page_adapter):
    return round_robin_team(workspace)


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def _route_concurrently(team, phones: list[str]) -> list[Conversation]:
    """The first conversation is routed inside a transaction kept open (its Team lock
    held) until every other thread is blocked waiting on a lock; then all commit."""
    results: dict[str, Conversation] = {}
    errors: list[BaseException] = []
    first_routed, release = threading.Event(), threading.Event()

    def route(phone: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[phone] = inbound(team.channel, phone, "hi").conversation
                if hold:
                    first_routed.set()
                    release.wait(WAIT)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            first_routed.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=route, args=(phones[0],), kwargs={"hold": True})
    first.start()
    assert first_routed.wait(WAIT)
    others = [threading.Thread(target=route, args=(p,), kwargs={"hold": False}) for p in phones[1:]]
    for thread in others:
        thread.start()
    try:
        # Both really run at the same moment: each is blocked behind the held transaction.
        _until(lambda: _waiting_on_locks() >= len(others), "the others wait on the lock")
    finally:
        release.set()
        for thread in [first, *others]:
            thread.join(WAIT)
    assert not errors, errors
    return [Conversation.objects.get(pk=results[p].pk) for p in phones]


def test_two_conversations_at_once_go_to_two_different_agents(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    first, second = _route_concurrently(team, ["+15550000001", "+15550000002"])
    assert {first.assignee_id, second.assignee_id} == {a.pk, b.pk}
    assert first.team_id == second.team_id == team.pk


def test_the_per_agent_cap_holds_under_concurrency(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    team.max_open_per_agent = 1
    team.save()
    got = _route_concurrently(team, ["+15550000001", "+15550000002", "+15550000003"])
    assignees = [c.assignee_id for c in got]
    assert sorted(x for x in assignees if x is not None) == sorted([a.pk, b.pk])
    assert assignees.count(None) == 1
    for user in (a, b):
        assert Conversation.objects.filter(assignee=user, status="open").count() == 1
