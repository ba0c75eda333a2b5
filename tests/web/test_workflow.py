"""Workflow from the thread: assignment, status, labels, the side panel, merge, mentions
and the "@" picker, over real requests (403 for the wrong role, 404 for another tenant)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import (
    AuditEntry,
    Contact,
    Conversation,
    Label,
    Membership,
    Mention,
    Message,
    Team,
)
from inbox.services.consent import record_consent
from inbox.services.notes import add_note

from .fakes import inbound
from .test_composer import find, one, text_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def system_texts(conversation):
    return list(
        Message.objects.filter(conversation=conversation, author="system")
        .order_by("created_at")
        .values_list("text", flat=True)
    )


def test_thread_page_has_the_workflow_controls(agent_client, conversation):
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
    assert 'src="/static/inbox/workflow.js"' in html
    assert 'href="/static/inbox/workflow.css"' in html


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


def test_labels_from_the_side_panel(agent_client, workspace, other_workspace, conversation):
    vip = Label.objects.create(workspace=workspace, name="vip", colour="#aa0000")
    Label.objects.create(workspace=workspace, name="billing")
    foreign = Label.objects.create(workspace=other_workspace, name="globex")
    url = f"/w/acme/c/{conversation.pk}/labels/"
    response = agent_client.post(url, {"label": [str(vip.pk)]}, **HTMX)
    assert response.status_code == 200
    checked = [e for e in find(response.text, "label-checkbox") if "checked" in e["attrs"]]
    assert [e["attrs"]["value"] for e in checked] == [str(vip.pk)]
    assert list(conversation.labels.all()) == [vip]
    bad = agent_client.post(url, {"label": [str(vip.pk), str(foreign.pk)]}, **HTMX)
    assert bad.status_code == 422 and find(bad.text, "panel-errors")
    assert list(conversation.labels.all()) == [vip]
    head = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/head/").text
    assert [e["text"] for e in find(head, "label-badge")] == ["vip"]


def test_side_panel_shows_identities_consent_attributes(agent_client, channel, conversation):
    contact = conversation.contact
    contact.attributes = {"plan": "gold"}
    contact.save()
    record_consent(channel, "+15551230001", opted_out=True, source="keyword", keyword="stop")
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/panel/").text
    assert text_of(html, "identity").startswith("+15551230001")
    consent = one(html, "consent")
    assert consent["attrs"]["data-opted-out"] == "true"
    assert "opted out (STOP)" in " ".join(consent["text"].split())
    assert "plan" in text_of(html, "attributes") and "gold" in text_of(html, "attributes")
    assert not find(html, "merge-search")  # agents cannot merge


@pytest.fixture
def duplicate(channel, conversation):
    return inbound(channel, "+15551230002", "It's me again, other phone").conversation


def test_merge_needs_manager_and_folds_into_the_oldest(
    client, agent_client, manager, conversation, duplicate
):
    url = f"/w/acme/c/{duplicate.pk}/merge/"
    data = {"contact": str(conversation.contact_id)}
    assert agent_client.post(url, data, **HTMX).status_code == 403
    assert agent_client.get(f"/w/acme/c/{duplicate.pk}/merge/candidates/?q=1555").status_code == 403
    client.force_login(manager)
    found = client.get(f"/w/acme/c/{duplicate.pk}/merge/candidates/?q=+1555123").text
    assert len(find(found, "merge-button")) == 1  # the other contact, not itself
    response = client.post(url, data, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/w/acme/c/{conversation.pk}/"
    assert not Conversation.objects.filter(pk=duplicate.pk).exists()
    assert conversation.messages.filter(direction="inbound").count() == 2
    assert AuditEntry.objects.filter(action="contact.merged", actor=manager).count() == 1


def test_merge_bad_input(client, manager, conversation, other_conversation):
    client.force_login(manager)
    url = f"/w/acme/c/{conversation.pk}/merge/"
    for value in ("", "abc", str(other_conversation.contact_id), str(conversation.contact_id)):
        response = client.post(url, {"contact": value}, **HTMX)
        assert response.status_code == 422, value
    assert Contact.objects.filter(pk=other_conversation.contact_id).exists()


def test_opening_a_conversation_marks_my_mentions_in_it_seen(
    agent_client, agent, manager, channel, conversation
):
    elsewhere = inbound(channel, "+15551230002", "Another customer").conversation
    here = add_note(conversation, "@alice please look", author=manager)
    there = add_note(elsewhere, "@alice and this one", author=manager)
    page = agent_client.get("/w/acme/").text
    assert 'data-unseen-mentions-url="/w/acme/mentions/unseen/"' in page
    assert agent_client.get("/w/acme/mentions/unseen/").json() == {"unseen": 2}
    agent_client.get(f"/w/acme/c/{conversation.pk}/")
    assert Mention.objects.get(message=here).seen_at is not None
    assert Mention.objects.get(message=there).seen_at is None  # not opened yet
    assert agent_client.get("/w/acme/mentions/unseen/").json() == {"unseen": 1}


def test_mention_picker_lists_only_active_members_of_this_workspace(
    agent_client, agent, manager, outsider, conversation
):
    url = f"/w/acme/c/{conversation.pk}/mentions/"
    html = agent_client.get(url, {"q": ""}).text
    names = [item["attrs"]["data-username"] for item in find(html, "mention-item")]
    assert "mona" in names and "alice" in names and outsider.username not in names
    html = agent_client.get(url, {"q": "mo"}).text
    items = find(html, "mention-item")
    assert [i["attrs"]["data-username"] for i in items] == ["mona"]
    assert items[0]["attrs"]["data-body"] == "@mona "
    html = agent_client.get(url, {"q": outsider.username}).text
    assert not find(html, "mention-item") and find(html, "mention-empty")
    Membership.objects.filter(user=manager).update(is_active=False)
    html = agent_client.get(url, {"q": "mo"}).text
    assert not find(html, "mention-item")


def test_mention_picker_is_404_for_outsiders(client, outsider, conversation):
    client.force_login(outsider)
    assert client.get(f"/w/acme/c/{conversation.pk}/mentions/?q=a").status_code == 404
    assert client.get("/w/acme/mentions/unseen/").status_code == 404


def test_every_workflow_endpoint_is_404_for_another_workspace(
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


def test_merge_is_404_for_outsiders_and_other_workspaces(
    client, outsider, manager, conversation, other_conversation
):
    client.force_login(outsider)
    assert client.post(f"/w/acme/c/{conversation.pk}/merge/", {"contact": "1"}).status_code == 404
    client.force_login(manager)
    other = other_conversation.pk
    contact = str(conversation.contact_id)
    assert client.post(f"/w/acme/c/{other}/merge/", {"contact": contact}).status_code == 404
    assert client.get(f"/w/acme/c/{other}/merge/candidates/?q=15").status_code == 404
    assert client.get(f"/w/globex/c/{other}/merge/candidates/?q=15").status_code == 404
    assert Conversation.objects.filter(pk=other).exists()
