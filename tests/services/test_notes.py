"""Private notes: in the thread, never sent, @mentions only for the workspace's members."""

import pytest
from django.core.exceptions import ValidationError

from inbox.models import Conversation, Mention, Message, MessageStatusEvent
from inbox.selectors.mentions import unseen_mentions
from inbox.services import deliver
from inbox.services.notes import (
    add_note,
    mark_mentions_seen,
    mentioned_usernames,
)

from .customer_threads import customer_writes


@pytest.fixture
def conversation(channel):
    return customer_writes(channel, "+14155550113").conversation


def test_note_is_internal_and_never_reaches_the_provider(conversation, agent, adapter):
    note = add_note(conversation, "Customer is a VIP", author=agent)
    assert note.direction == "internal" and note.author == "agent"
    assert note.author_user == agent
    deliver(str(note.pk))  # even a stray delivery task for it sends nothing
    assert adapter.sent == []
    note.refresh_from_db()
    assert note.status == "received"
    assert not MessageStatusEvent.objects.filter(message=note).exists()


def test_mentions_only_for_members_of_the_workspace(conversation, agent, manager, outsider):
    note = add_note(conversation, "@mona can you check? cc @eve @nobody @Mona.", author=agent)
    assert list(Mention.objects.filter(message=note).values_list("user__username", flat=True)) == [
        "mona"
    ]
    assert note.content["mentions"] == ["mona"]


def test_mentioning_yourself_does_not_notify(conversation, agent):
    note = add_note(conversation, "note to self @alice", author=agent)
    assert not Mention.objects.filter(message=note).exists()


def test_empty_note_is_refused(conversation, agent):
    with pytest.raises(ValidationError):
        add_note(conversation, "   ", author=agent)
    assert not Message.objects.filter(direction="internal").exists()


def test_mention_parsing():
    assert mentioned_usernames("hi @bob, @ann.lee. mail a@b.com @bob") == ["bob", "ann.lee"]


@pytest.fixture
def published(monkeypatch):
    """What would go to the Channels groups, in order (after commit)."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "inbox.realtime.publish._send", lambda group, payload: sent.append((group, payload))
    )
    return sent


def test_a_mention_is_announced_to_the_workspace_naming_who_was_mentioned(
    conversation, agent, manager, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        note = add_note(conversation, "@mona @alice have a look", author=agent)
    mentions = [p for g, p in published if p["event"] == "mention"]
    assert mentions == [
        {
            "event": "mention",
            "conversation_id": conversation.pk,
            "message_id": str(note.pk),
            "user_ids": [manager.pk],  # not the author
            "author_id": agent.pk,
            "author": "alice",
        }
    ]
    groups = [g for g, p in published if p["event"] == "mention"]
    assert groups == [f"ws-{conversation.workspace_id}"]


def test_a_note_without_mentions_announces_none(
    conversation, agent, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_note(conversation, "@alice only myself", author=agent)
    assert [p for _, p in published if p["event"] == "mention"] == []
    assert [p["event"] for _, p in published] == ["message.created", "message.created"]


def test_new_message_events_name_the_assignee(
    channel, agent, published, django_capture_on_commit_callbacks
):
    """So each tab decides "a message in a conversation assigned to me" by itself."""
    with django_capture_on_commit_callbacks(execute=True):
        first = customer_writes(channel, "+14155550114")
    created = [p for _, p in published if p["event"] == "message.created"]
    assert created and all(p["assignee_id"] is None for p in created)
    Conversation.objects.filter(pk=first.conversation_id).update(assignee=agent)
    published.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_writes(channel, "+14155550114")
    created = [p for _, p in published if p["event"] == "message.created"]
    assert created and all(p["assignee_id"] == agent.pk for p in created)
    updated = [p for _, p in published if p["event"] == "conversation.updated"]
    assert updated and all(p["assignee_id"] == agent.pk for p in updated)


def test_mark_mentions_seen_only_touches_this_users_mentions_in_this_conversation(
    channel, conversation, agent, manager
):
    other = customer_writes(channel, "+14155550115").conversation
    add_note(conversation, "@mona here", author=agent)
    add_note(other, "@mona there", author=agent)
    add_note(conversation, "@alice for you", author=manager)
    assert unseen_mentions(user=manager, workspace_id=conversation.workspace_id) == 2
    assert mark_mentions_seen(conversation, manager) == 1
    assert unseen_mentions(user=manager, workspace_id=conversation.workspace_id) == 1
    assert unseen_mentions(user=agent, workspace_id=conversation.workspace_id) == 1
