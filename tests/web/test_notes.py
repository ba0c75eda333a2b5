"""Mentions in notes over real requests: the unseen badge, seen on opening the thread, and
the "@" picker listing only this workspace's active members (inbox/views/notes.py)."""

from __future__ import annotations

import pytest

from inbox.models import Membership, Mention
from inbox.services.notes import add_note

from .fakes import inbound
from .test_composer import find

pytestmark = pytest.mark.django_db


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
