"""The thread's header over real requests: assignment, status and snooze, and every action
on a conversation's URL a 404 for another workspace (inbox/views/thread_header.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Message, Team

from .test_composer import find, one, text_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def system_texts(conversation):
    return list(
        Message.objects.filter(conversation=conversation, author="system")
        .order_by("created_at")
        .values_list("text", flat=True)
    )


def test_thread_page_has_the_header_panel_and_composer_controls(agent_client, conversation):
    html = agent_client.get(f"/w/acme/c/{conversation.pk}/").text
    for testid in (
        "thread-head",
        "assign-select",
        "assign-me",
        "status-select",
        "resolve-button",
        "side-panel",
        "note-toggle",
        "shortcuts-help",
        "card-builder",
        "emoji-picker",
    ):
        assert find(html, testid), testid
    assert 'src="/static/inbox/agent_tools.js"' in html
    assert 'href="/static/inbox/conversation_pane.css"' in html


def test_assign_to_me_then_teammate(agent_client, agent, manager, conversation):
    url = f"/w/acme/c/{conversation.pk}/assign/"
    response = agent_client.post(url, {"assignee": "me"}, **HTMX)
    assert response.status_code == 200
    head = one(response.text, "thread-head")
    assert head["attrs"]["data-assignee"] == str(agent.pk)
    assert "Assigned to alice" in text_of(response.text, "assignee-name")
    assert not find(response.text, "assign-me")  # already mine
    response = agent_client.post(url, {"assignee": str(manager.pk)}, **HTMX)
    assert one(response.text, "thread-head")["attrs"]["data-assignee"] == str(manager.pk)
    assert system_texts(conversation) == [
        "alice took this conversation.",
        "alice assigned this to mona.",
    ]


def test_assign_to_team_and_bad_input(
    agent_client, workspace, other_workspace, conversation, outsider
):
    team = Team.objects.create(workspace=workspace, name="Billing")
    foreign = Team.objects.create(workspace=other_workspace, name="Globex")
    url = f"/w/acme/c/{conversation.pk}/assign/"
    ok = agent_client.post(url, {"assignee": "", "team": str(team.pk)}, **HTMX)
    assert ok.status_code == 200
    conversation.refresh_from_db()
    assert conversation.team == team
    for data in ({"assignee": str(outsider.pk)}, {"assignee": "", "team": str(foreign.pk)}):
        bad = agent_client.post(url, data, **HTMX)
        assert bad.status_code == 422
        assert find(bad.text, "workflow-errors")
    assert agent_client.post(url, {"assignee": "nobody"}, **HTMX).status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee is None and conversation.team == team


def test_resolve_snooze_and_reopen(agent_client, conversation):
    url = f"/w/acme/c/{conversation.pk}/status/"
    response = agent_client.post(url, {"status": "resolved"}, **HTMX)
    assert one(response.text, "thread-head")["attrs"]["data-status"] == "resolved"
    assert find(response.text, "reopen-button")
    response = agent_client.post(url, {"status": "snoozed", "snooze_preset": "1h"}, **HTMX)
    conversation.refresh_from_db()
    assert conversation.status == "snoozed"
    assert timedelta(minutes=59) < conversation.snoozed_until - timezone.now() <= timedelta(hours=1)
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = agent_client.post(url, {"status": "snoozed", "snoozed_until": later}, **HTMX)
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.snoozed_until.strftime("%Y-%m-%dT%H:%M") == later  # UTC workspace
    assert "Snoozed" in text_of(response.text, "status-badge")
    agent_client.post(url, {"status": "open"}, **HTMX)
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.snoozed_until is None
    assert system_texts(conversation)[0] == "Resolved by alice."
    assert system_texts(conversation)[-1] == "Reopened by alice."


@pytest.mark.parametrize(
    "data",
    [
        {"status": "snoozed"},
        {"status": "snoozed", "snoozed_until": "2001-01-01T10:00"},
        {"status": "snoozed", "snoozed_until": "not a date"},
        {"status": "archived"},
    ],
)
def test_bad_status_input_is_422_and_changes_nothing(agent_client, conversation, data):
    response = agent_client.post(f"/w/acme/c/{conversation.pk}/status/", data, **HTMX)
    assert response.status_code == 422
    assert find(response.text, "workflow-errors")
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_every_conversation_action_is_404_for_another_workspace(
    agent_client, conversation, other_conversation
):
    other = other_conversation.pk
    posts = ["assign", "status", "labels", "note", "merge"]
    gets = [
        f"/w/acme/c/{other}/canned/?q=a",
        f"/w/acme/fragments/c/{other}/head/",
        f"/w/acme/fragments/c/{other}/panel/",
        f"/w/acme/c/{other}/mentions/?q=a",
        f"/w/globex/fragments/c/{other}/head/",
    ]
    for action in posts:
        for path in (f"/w/acme/c/{other}/{action}/", f"/w/globex/c/{other}/{action}/"):
            assert agent_client.post(path, {"assignee": "me", "text": "x"}, **HTMX).status_code in (
                403,
                404,
            ), path
            if action != "merge":
                assert agent_client.post(path, {"text": "x"}).status_code == 404, path
    for path in gets:
        assert agent_client.get(path).status_code == 404, path
    other_conversation.refresh_from_db()
    assert other_conversation.assignee is None
    assert not other_conversation.messages.filter(direction="internal").exists()
