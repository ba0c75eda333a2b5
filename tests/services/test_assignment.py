"""Assignment: who owns a conversation, recorded in the thread and told after commit."""

import pytest
from django.core.exceptions import ValidationError

from inbox import signals
from inbox.models import Author, Direction, Message, Team
from inbox.services.assignment import assign

from .customer_threads import Captured, customer_writes


@pytest.fixture
def conversation(channel):
    return customer_writes(channel, "+14155550111").conversation


@pytest.fixture
def assigned():
    captured = Captured()
    signals.conversation_assigned.connect(captured)
    yield captured
    signals.conversation_assigned.disconnect(captured)


def notes(conversation):
    return list(
        Message.objects.filter(
            conversation=conversation, direction=Direction.INTERNAL, author=Author.SYSTEM
        ).values_list("text", flat=True)
    )


def test_assign_to_teammate_leaves_a_note_and_signals_after_commit(
    conversation, agent, manager, assigned, django_capture_on_commit_callbacks
):
    agent.first_name, agent.last_name = "Alice", "Smith"
    agent.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assign(conversation, actor=agent, assignee=manager)
        assert assigned == []  # nothing is told before the commit
    for callback in callbacks:
        callback()
    conversation.refresh_from_db()
    assert conversation.assignee == manager
    assert notes(conversation) == ["Alice Smith assigned this to mona."]
    assert len(assigned) == 1
    assert assigned[0]["previous_assignee_id"] is None
    assert assigned[0]["actor"] == agent
    assert assigned[0]["conversation"].assignee_id == manager.pk


def test_taking_it_yourself_and_unassigning(
    conversation, agent, assigned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(conversation, actor=agent, assignee=agent)
        assign(conversation, actor=agent, assignee=None)
    assert notes(conversation) == [
        "alice took this conversation.",
        "alice unassigned this conversation.",
    ]
    assert [s["previous_assignee_id"] for s in assigned] == [None, agent.pk]


def test_no_change_writes_nothing(
    conversation, agent, assigned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(conversation, actor=agent, assignee=agent)
        assign(conversation, actor=agent, assignee=agent)
    assert len(notes(conversation)) == 1
    assert len(assigned) == 1


def test_team_assignment(conversation, workspace, agent, django_capture_on_commit_callbacks):
    team = Team.objects.create(workspace=workspace, name="Billing")
    with django_capture_on_commit_callbacks(execute=True):
        assign(conversation, actor=agent, assignee=None, team=team)
    conversation.refresh_from_db()
    assert conversation.team == team and conversation.assignee is None
    assert notes(conversation) == ["alice moved it to team Billing."]


def test_outsiders_and_foreign_teams_are_refused(conversation, other_workspace, agent, outsider):
    with pytest.raises(ValidationError):
        assign(conversation, actor=agent, assignee=outsider)
    foreign = Team.objects.create(workspace=other_workspace, name="Globex team")
    with pytest.raises(ValidationError):
        assign(conversation, actor=agent, assignee=agent, team=foreign)
    conversation.refresh_from_db()
    assert conversation.assignee is None and conversation.team is None
    assert notes(conversation) == []


def test_deactivated_member_cannot_be_assigned(conversation, agent, manager):
    manager.memberships.update(is_active=False)
    with pytest.raises(ValidationError):
        assign(conversation, actor=agent, assignee=manager)
