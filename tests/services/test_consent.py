import pytest

from inbox.adapters import ConsentChange, InboundMessage, OptedOutError
from inbox.models import Consent, Direction, Message, MessageStatus
from inbox.services import SendRejected, deliver, ingest, send_message

CUSTOMER = "+14155550100"


def text_in(pid, text):
    return InboundMessage(
        provider_message_id=pid,
        sender=CUSTOMER,
        recipient="+15550001",
        content={"type": "text", "text": text},
        text=text,
    )


@pytest.fixture
def conversation(channel):
    return ingest(channel, [text_in("IN1", "hi")])[0].conversation


def test_stop_opts_out_blocks_sends_and_leaves_a_note(channel, conversation, agent):
    ingest(channel, [text_in("IN2", "STOP"), ConsentChange(CUSTOMER, "opt_out", "stop")])
    consent = Consent.objects.get(channel=channel, address=CUSTOMER)
    assert consent.opted_out and consent.source == "keyword"
    note = Message.objects.get(direction=Direction.INTERNAL)
    assert "texted STOP" in note.text
    with pytest.raises(SendRejected) as err:
        send_message(conversation, {"type": "text", "text": "still there?"}, user=agent)
    assert "opted out" in err.value.errors[0]
    assert "START" in err.value.errors[0]
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 0


def test_start_opts_back_in(channel, conversation, agent):
    ingest(channel, [ConsentChange(CUSTOMER, "opt_out", "STOP")])
    ingest(channel, [ConsentChange(CUSTOMER, "opt_in", "START")])
    assert not Consent.objects.get(address=CUSTOMER).opted_out
    message = send_message(conversation, {"type": "text", "text": "welcome back"}, user=agent)
    assert message.status == MessageStatus.QUEUED


def test_stop_after_queueing_stops_delivery(channel, conversation, agent, adapter):
    message = send_message(conversation, {"type": "text", "text": "promo"}, user=agent)
    ingest(channel, [ConsentChange(CUSTOMER, "opt_out", "STOP")])
    assert deliver(str(message.pk)) == "failed"
    assert adapter.sent == []
    message.refresh_from_db()
    assert "opted out" in message.error_message


def test_provider_opt_out_error_marks_contact_opted_out(channel, conversation, agent, adapter):
    message = send_message(conversation, {"type": "text", "text": "hello"}, user=agent)
    adapter.fail_with = OptedOutError("unsubscribed (recipient replied STOP)", code="21610")
    assert deliver(str(message.pk)) == "failed"
    consent = Consent.objects.get(address=CUSTOMER)
    assert consent.opted_out and consent.source == "provider"
    assert Message.objects.filter(direction=Direction.INTERNAL).count() == 1


def test_help_gets_the_configured_reply_unless_provider_answered(channel, conversation):
    channel.config = {"help_reply": "Acme support: call 555-0100. Reply STOP to opt out."}
    channel.save()
    ingest(channel, [ConsentChange(CUSTOMER, "help", "HELP", provider_replied=True)])
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 0
    ingest(channel, [ConsentChange(CUSTOMER, "help", "HELP")])
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.author == "system"
    assert reply.text.startswith("Acme support")
