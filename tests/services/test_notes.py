"""Private notes: in the thread, never sent, @mentions only for the workspace's members."""

import pytest
from django.core.exceptions import ValidationError

from inbox.models import Mention, Message, MessageStatusEvent
from inbox.services import deliver
from inbox.services.notes import add_note, mentioned_usernames

from ._workflow_helpers import customer_writes


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
