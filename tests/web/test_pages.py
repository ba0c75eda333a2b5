"""The agent's pages: who may see them, what they show, and that tenants never mix."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from inbox import services
from inbox.models import ConversationStatus, ReadMarker

from .fakes import inbound, make_channel

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[str]:
    return re.findall(r'<li id="conv-(\d+)"[^>]*data-testid="conversation-row"', html)


@pytest.mark.parametrize("path", ["/", "/w/acme/", "/w/acme/fragments/conversations/"])
def test_pages_require_login(client, workspace, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_login_page_signs_in_and_lands_in_the_first_workspace(client, agent, workspace):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.text and 'name="password"' in page.text

    wrong = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert 'data-testid="login-error"' in wrong.text

    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:home")
    assert client.get("/")["Location"] == "/w/acme/"


def test_logout_is_a_post(agent_client):
    assert agent_client.post("/accounts/logout/").status_code == 302
    assert agent_client.get("/w/acme/").status_code == 302


def test_user_without_workspace_gets_an_explanation(client, workspace):
    # Some workspace exists (with none at all, "/" is the first-run setup page instead).
    loner = get_user_model().objects.create_user("loner", password="x")
    client.force_login(loner)
    response = client.get("/")
    assert response.status_code == 403
    assert "not a member of any workspace" in response.text


def test_list_shows_contact_channel_preview_time_and_status(agent_client, conversation):
    response = agent_client.get("/w/acme/")
    assert response.status_code == 200
    html = response.text
    assert rows(html) == [str(conversation.pk)]
    assert "+15551230001" in html
    assert "Support SMS" in html
    assert "Hello, where is my order?" in html
    assert "<time" in html and 'data-status="open"' in html
    assert 'data-testid="unread-count"' in html


def test_list_filters_by_status_channel_and_assignee(agent_client, agent, workspace, channel):
    open_conv = inbound(channel, "+15551230001", "open one").conversation
    resolved = inbound(channel, "+15551230002", "resolved one").conversation
    resolved.status = ConversationStatus.RESOLVED
    resolved.save()
    second = make_channel(workspace, name="Second line")
    on_second = inbound(second, "+15551230003", "second channel").conversation
    mine = inbound(channel, "+15551230004", "mine").conversation
    mine.assignee = agent
    mine.save()

    assert set(rows(agent_client.get("/w/acme/").text)) == {
        str(open_conv.pk),
        str(on_second.pk),
        str(mine.pk),
    }
    assert rows(agent_client.get("/w/acme/?status=resolved").text) == [str(resolved.pk)]
    assert len(rows(agent_client.get("/w/acme/?status=all").text)) == 4
    assert rows(agent_client.get(f"/w/acme/?channel={second.pk}").text) == [str(on_second.pk)]
    assert rows(agent_client.get("/w/acme/?assignee=me").text) == [str(mine.pk)]
    assert str(mine.pk) not in rows(agent_client.get("/w/acme/?assignee=unassigned").text)
    # The list fragment the realtime client re-fetches honours the same filters.
    fragment = agent_client.get("/w/acme/fragments/conversations/?status=resolved").text
    assert rows(fragment) == [str(resolved.pk)]


def test_list_page_query_count_does_not_grow_with_conversations(agent_client, channel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        inbound(channel, f"+1555000{n:04d}", f"hello {n}")
    with CaptureQueriesContext(connection) as small_queries:
        small = agent_client.get("/w/acme/")
    for n in range(3, 30):
        inbound(channel, f"+1555000{n:04d}", f"hello {n}")
    with CaptureQueriesContext(connection) as large_queries:
        large = agent_client.get("/w/acme/")
    assert len(rows(small.text)) == 3
    assert len(rows(large.text)) == 30
    # Tabs, label filter, unread badge (and its planner setting), rows: a fixed set of
    # queries, whatever the rows.
    assert len(large_queries) == len(small_queries) <= 13


def test_thread_shows_messages_and_marks_read(agent_client, agent, conversation):
    reply = services.send_message(conversation, {"type": "text", "text": "On its way"}, user=agent)
    response = agent_client.get(f"/w/acme/c/{conversation.pk}/")
    assert response.status_code == 200
    html = response.text
    assert html.count('data-testid="message"') == 2
    assert 'data-direction="inbound"' in html and 'data-direction="outbound"' in html
    assert f'id="msg-{reply.pk}"' in html
    assert 'data-testid="message-status" data-status="queued"' in html
    assert 'data-testid="composer"' in html and 'data-testid="send-button"' in html
    assert ReadMarker.objects.filter(conversation=conversation, user=agent).exists()
    # Read now: the list no longer flags it as unread.
    assert 'data-testid="unread-count"' not in html
    # The thread is not mistaken for django.contrib.messages flash messages.
    assert 'class="flash"' not in html


def test_thread_and_message_fragments(agent_client, conversation):
    message = conversation.messages.get()
    thread = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/")
    assert thread.status_code == 200
    assert f'id="msg-{message.pk}"' in thread.text
    row = agent_client.get(f"/w/acme/fragments/m/{message.pk}/")
    assert row.status_code == 200
    assert row.text.strip().startswith(f'<li id="msg-{message.pk}"')


def test_other_workspaces_conversation_is_404(agent_client, conversation, other_conversation):
    other_message = other_conversation.messages.get()
    for path in [
        f"/w/acme/c/{other_conversation.pk}/",
        f"/w/globex/c/{other_conversation.pk}/",
        "/w/globex/",
        "/w/globex/fragments/conversations/",
        f"/w/acme/fragments/c/{other_conversation.pk}/thread/",
        f"/w/acme/fragments/m/{other_message.pk}/",
    ]:
        assert agent_client.get(path).status_code == 404, path
    listing = agent_client.get("/w/acme/?status=all").text
    assert "Globex secret question" not in listing
    assert not ReadMarker.objects.filter(conversation=other_conversation).exists()


def test_several_workspaces_are_offered_and_each_scoped(
    agent_client, agent, other_workspace, conversation, other_conversation
):
    from inbox.models import Membership

    Membership.objects.create(workspace=other_workspace, user=agent)
    acme = agent_client.get("/w/acme/").text
    globex = agent_client.get("/w/globex/").text
    assert 'href="/w/globex/"' in acme
    assert rows(acme) == [str(conversation.pk)]
    assert rows(globex) == [str(other_conversation.pk)]
    # Membership in both still does not let a conversation be read under the wrong slug.
    assert agent_client.get(f"/w/acme/c/{other_conversation.pk}/").status_code == 404


def test_a_message_that_fell_back_says_so_in_the_thread(agent_client, agent, conversation, channel):
    from inbox.models import Message
    from inbox.services import create_channel

    sms = create_channel(conversation.workspace, kind=channel.kind, name="Backup SMS", config={})
    reply = services.send_message(conversation, {"type": "text", "text": "Shipped"}, user=agent)
    Message.objects.filter(pk=reply.pk).update(
        channel=sms, fallback_from=channel, fallback_reason="+14155550100 is not RCS-capable"
    )
    html = agent_client.get(f"/w/acme/fragments/m/{reply.pk}/").text
    assert 'data-testid="message-fallback"' in html
    assert f"fell back from {channel.name}: +14155550100 is not RCS-capable" in html
    assert "via Backup SMS" in html
