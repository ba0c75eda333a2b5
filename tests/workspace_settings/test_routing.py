"""Routing new and reopened conversations: team queue, round-robin, caps, offline sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inbox import signals
from inbox.models import Conversation, Membership
from inbox.services.routing import reassign_from_offline_agents
from tests.web.fakes import inbound
from tests.workspace_settings.routing_team import agent_with_presence, round_robin_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(workspace, page_adapter):
    return round_robin_team(workspace)


def test_round_robin_cycles_through_online_members(workspace, team):
    a, b, c = (agent_with_presence(workspace, n) for n in ("ann", "ben", "cat"))
    off = agent_with_presence(workspace, "dan", presence="offline")
    team.members.set([a, b, c, off])
    got = [inbound(team.channel, f"+1555000000{i}", "hi").conversation for i in range(4)]
    assignees = [conv.assignee_id for conv in got]
    assert assignees == [a.pk, b.pk, c.pk, a.pk]
    assert all(conv.team_id == team.pk for conv in got)
    team.refresh_from_db()
    assert team.last_assigned_user_id == a.pk


def test_cap_skips_busy_agents_and_leaves_unassigned_when_all_full(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    team.max_open_per_agent = 1
    team.save()
    first = inbound(team.channel, "+15550000001", "one").conversation
    second = inbound(team.channel, "+15550000002", "two").conversation
    third = inbound(team.channel, "+15550000003", "three").conversation
    assert {first.assignee_id, second.assignee_id} == {a.pk, b.pk}
    assert third.assignee_id is None and third.team_id == team.pk


def test_unassigned_mode_only_sets_the_team(workspace, team):
    a = agent_with_presence(workspace, "ann")
    team.members.set([a])
    team.routing = "unassigned"
    team.save()
    conv = inbound(team.channel, "+15550000001", "hi").conversation
    assert conv.team_id == team.pk and conv.assignee_id is None


def test_follow_up_messages_do_not_reroute_but_reopening_does(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    conv = inbound(team.channel, "+15550000001", "hi").conversation
    assert conv.assignee_id == a.pk
    inbound(team.channel, "+15550000001", "again")
    conv.refresh_from_db()
    assert conv.assignee_id == a.pk
    team.refresh_from_db()
    assert team.last_assigned_user_id == a.pk  # no second pick for a follow-up
    # Reopened with its agent gone from the workspace: routed afresh.
    Conversation.objects.filter(pk=conv.pk).update(status="resolved")
    Membership.objects.filter(user=a).update(is_active=False)
    inbound(team.channel, "+15550000001", "one more thing")
    conv.refresh_from_db()
    assert conv.status == "open" and conv.assignee_id == b.pk


def test_assignment_is_announced_after_commit(workspace, team, django_capture_on_commit_callbacks):
    a = agent_with_presence(workspace, "ann")
    team.members.set([a])
    seen = []

    def listener(sender, conversation, previous_assignee_id, **kw):
        seen.append((conversation.assignee_id, previous_assignee_id))

    signals.conversation_assigned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            inbound(team.channel, "+15550000001", "hi")
    finally:
        signals.conversation_assigned.disconnect(listener)
    assert seen == [(a.pk, None)]


def test_offline_agents_lose_open_conversations_when_the_team_says_so(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    conv = inbound(team.channel, "+15550000001", "hi").conversation
    assert conv.assignee_id == a.pk
    Membership.objects.filter(user=a).update(
        presence="offline", presence_changed_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert reassign_from_offline_agents() == 0  # the team does not reassign
    team.reassign_when_offline = True
    team.save()
    assert reassign_from_offline_agents() == 1
    conv.refresh_from_db()
    assert conv.assignee_id == b.pk


def test_offline_sweep_waits_for_the_grace_period_and_needs_a_taker(workspace, team):
    a, b = agent_with_presence(workspace, "ann"), agent_with_presence(workspace, "ben")
    team.members.set([a, b])
    team.reassign_when_offline = True
    team.save()
    conv = inbound(team.channel, "+15550000001", "hi").conversation
    Membership.objects.filter(user=a).update(presence="offline", presence_changed_at=timezone.now())
    assert reassign_from_offline_agents() == 0  # just went offline (a reload, a blip)
    Membership.objects.filter(user=a).update(
        presence_changed_at=timezone.now() - dt.timedelta(minutes=10)
    )
    Membership.objects.filter(user=b).update(presence="offline")
    assert reassign_from_offline_agents() == 0  # nobody online to take it
    conv.refresh_from_db()
    assert conv.assignee_id == a.pk
