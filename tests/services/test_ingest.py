from datetime import timedelta

from django.utils import timezone

from inbox.adapters import InboundMessage, TypingIndicator
from inbox.models import Contact, Conversation, ConversationStatus, Message, MessageStatus
from inbox.services import ingest


def inbound(pid="P1", sender="+14155550100", text="hello", **kw):
    return InboundMessage(
        provider_message_id=pid,
        sender=sender,
        recipient="+15550001",
        content={"type": "text", "text": text},
        text=text,
        **kw,
    )


def test_first_message_creates_contact_conversation_and_message(channel):
    [message] = ingest(channel, [inbound()])
    assert message.status == MessageStatus.RECEIVED
    assert message.direction == "inbound"
    conversation = message.conversation
    assert conversation.contact.identities.get().value == "+14155550100"
    assert conversation.last_message_preview == "hello"
    assert conversation.waiting_since == message.created_at
    assert message.status_events.count() == 1


def test_duplicate_provider_id_is_absorbed(channel):
    first = ingest(channel, [inbound()])[0]
    again = ingest(channel, [inbound(text="changed")])[0]
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert Message.objects.get().text == "hello"


def test_one_thread_per_customer(channel):
    ingest(channel, [inbound("P1"), inbound("P2"), inbound("P3", sender="+14155550199")])
    assert Contact.objects.count() == 2
    assert Conversation.objects.count() == 2
    convo = Conversation.objects.get(contact__identities__value="+14155550100")
    assert convo.messages.count() == 2


def test_resolved_conversation_reopens_on_new_inbound(channel):
    message = ingest(channel, [inbound("P1")])[0]
    Conversation.objects.filter(pk=message.conversation_id).update(
        status=ConversationStatus.RESOLVED, resolved_at=timezone.now()
    )
    ingest(channel, [inbound("P2")])
    convo = Conversation.objects.get(pk=message.conversation_id)
    assert convo.status == ConversationStatus.OPEN
    assert convo.resolved_at is None


def test_provider_timestamp_is_kept(channel):
    at = timezone.now() - timedelta(minutes=5)
    message = ingest(channel, [inbound(received_at=at)])[0]
    assert message.created_at == at


def test_typing_for_unknown_sender_writes_nothing(channel):
    assert ingest(channel, [TypingIndicator(sender="+19995550000")]) == [None]
    assert Conversation.objects.count() == 0


def test_same_provider_id_on_another_channel_is_a_different_message(channel, workspace):
    from inbox.services import create_channel

    other = create_channel(workspace, kind="recording", name="Rec 2", config={})
    ingest(channel, [inbound("SAME")])
    ingest(other, [inbound("SAME")])
    assert Message.objects.count() == 2
