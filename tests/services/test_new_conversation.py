"""Starting a conversation: refused before anything is written, one thread per customer."""

from __future__ import annotations

import pytest

from inbox.adapters import InboundMessage
from inbox.models import Contact, Conversation, Message, MessageStatus
from inbox.services import SendRejected, create_channel, ingest
from inbox.services.consent import record_consent
from inbox.services.contact_book import upsert_contact
from inbox.services.new_conversation import start_conversation

pytestmark = pytest.mark.django_db

HELLO = {"type": "text", "text": "Your order is ready"}


def inbound_text(channel, *, sender, text):
    event = InboundMessage(
        provider_message_id="IN1",
        sender=sender,
        recipient="agent",
        content={"type": "text", "text": text},
        text=text,
    )
    return ingest(channel, [event])[0]


def _counts():
    return (Contact.objects.count(), Conversation.objects.count(), Message.objects.count())


def test_a_typed_number_becomes_a_contact_a_thread_and_a_queued_message(workspace, channel, agent):
    conversation, message = start_conversation(
        workspace=workspace,
        channel=channel,
        content=HELLO,
        user=agent,
        phone="612 34 56 78",
        country="ES",
        name="Ana",
    )
    assert conversation.contact.name == "Ana" and conversation.assignee == agent
    assert conversation.contact.identities.get().value == "+34612345678"
    assert message.status == MessageStatus.QUEUED and message.conversation == conversation


def test_the_existing_thread_is_reused(workspace, channel, agent):
    existing = inbound_text(channel, sender="+14155550100", text="hi").conversation
    conversation, message = start_conversation(
        workspace=workspace, channel=channel, content=HELLO, user=agent, phone="+1 415 555 0100"
    )
    assert conversation.pk == existing.pk and Conversation.objects.count() == 1
    contact = Contact.objects.get()
    again, _message = start_conversation(
        workspace=workspace, channel=channel, content=HELLO, user=agent, contact=contact
    )
    assert again.pk == existing.pk and message.conversation_id == existing.pk


def test_an_invalid_number_is_refused_and_nothing_is_written(workspace, channel, agent):
    before = _counts()
    with pytest.raises(SendRejected) as refused:
        start_conversation(
            workspace=workspace, channel=channel, content=HELLO, user=agent, phone="12"
        )
    assert refused.value.errors[0].startswith("phone:")
    assert _counts() == before


def test_an_opted_out_number_is_refused_and_nothing_is_written(workspace, channel, agent):
    record_consent(channel, "+14155550100", opted_out=True, source="keyword", keyword="stop")
    before = _counts()
    with pytest.raises(SendRejected, match="opted out"):
        start_conversation(
            workspace=workspace, channel=channel, content=HELLO, user=agent, phone="+14155550100"
        )
    assert _counts() == before


def test_a_number_the_channel_cannot_reach_is_refused(workspace, adapter, agent):
    rcs_only = create_channel(workspace, kind="recording", name="RCS", config={"rich": True})
    adapter.unreachable.add("+14155550100")
    contact, _created = upsert_contact(workspace, phone="+14155550100", source="api")
    before = _counts()
    with pytest.raises(SendRejected, match="cannot reach"):
        start_conversation(
            workspace=workspace, channel=rcs_only, content=HELLO, user=agent, contact=contact
        )
    assert _counts() == before


def test_empty_content_and_another_workspaces_contact_are_refused(
    workspace, other_workspace, channel, agent
):
    stranger, _created = upsert_contact(other_workspace, phone="+14155550100", source="api")
    with pytest.raises(SendRejected, match="not in this workspace"):
        start_conversation(
            workspace=workspace, channel=channel, content=HELLO, user=agent, contact=stranger
        )
    with pytest.raises(SendRejected, match="empty"):
        start_conversation(
            workspace=workspace,
            channel=channel,
            content={"type": "text", "text": " "},
            user=agent,
            phone="+14155550101",
        )
    assert Conversation.objects.count() == 0
