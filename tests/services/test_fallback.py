"""Fallback to a channel's fallback (e.g. RCS -> SMS): once, visibly, never twice."""

import pytest

from inbox.adapters import InboundMessage
from inbox.models import Message, MessageStatus
from inbox.services import create_channel, deliver, ingest, send_message

from .conftest import CUSTOMER


def send_and_drain(conversation, agent):
    message = send_message(conversation, {"type": "text", "text": "Your order shipped"}, user=agent)
    outcomes = []
    while Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED:
        outcomes.append(deliver(str(message.pk)))
        assert len(outcomes) < 5, outcomes
    message.refresh_from_db()
    return message, outcomes


def test_reachable_recipient_stays_on_the_rich_channel(rich_conversation, agent, adapter, rich):
    message, outcomes = send_and_drain(rich_conversation, agent)
    assert outcomes == ["sent"]
    assert message.channel == rich
    assert message.fallback_from is None
    assert [s["channel"] for s in adapter.sent] == ["RCS"]


def test_capability_lookup_routes_to_fallback(rich_conversation, agent, adapter, rich, sms):
    adapter.unreachable.add(CUSTOMER)
    message, outcomes = send_and_drain(rich_conversation, agent)
    assert outcomes == ["fell back", "sent"]
    assert message.channel == sms
    assert message.fallback_from == rich
    assert "not reachable on RCS" in message.fallback_reason
    assert [s["channel"] for s in adapter.sent] == ["SMS"]
    assert message.status_events.filter(source="fallback").count() == 1


def test_not_found_on_send_falls_back_once(rich_conversation, agent, adapter, sms):
    adapter.not_found.add(CUSTOMER)
    message, outcomes = send_and_drain(rich_conversation, agent)
    assert outcomes == ["fell back", "sent"]
    assert message.channel == sms
    assert "404" in message.fallback_reason or "RCS-capable" in message.fallback_reason
    assert len(adapter.sent) == 1
    assert deliver(str(message.pk)) == "skipped"  # a duplicate task sends nothing more
    assert len(adapter.sent) == 1


def test_no_fallback_channel_means_a_readable_failure(workspace, agent, adapter):
    lonely = create_channel(workspace, kind="recording", name="RCS only", config={"rich": True})
    conversation = ingest(
        lonely,
        [
            InboundMessage(
                provider_message_id="X1",
                sender=CUSTOMER,
                recipient="agent",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0].conversation
    adapter.not_found.add(CUSTOMER)
    message, outcomes = send_and_drain(conversation, agent)
    assert outcomes == ["failed"]
    assert message.status == MessageStatus.FAILED
    assert "RCS-capable" in message.error_message


CHIPS = {
    "type": "text",
    "text": "Deliver tomorrow?",
    "suggestions": [
        {"type": "reply", "text": "Yes", "postback": "confirm:yes"},
        {"type": "reply", "text": "No", "postback": "confirm:no"},
    ],
}


def reply_in(channel, pid, text):
    return ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=pid,
                sender=CUSTOMER,
                recipient="agent",
                content={"type": "text", "text": text},
                text=text,
            )
        ],
    )[0]


def test_digit_reply_after_sms_fallback_maps_to_the_chip(rich_conversation, agent, adapter, sms):
    adapter.unreachable.add(CUSTOMER)
    message = send_message(rich_conversation, CHIPS, user=agent)
    while Message.objects.get(pk=message.pk).status == MessageStatus.QUEUED:
        deliver(str(message.pk))
    answer = reply_in(sms, "IN2", " 2 ")
    assert answer.content["type"] == "suggestion_response"
    assert answer.content["postback"] == "confirm:no"
    assert answer.content["original_text"] == "2"
    assert answer.text == " 2 "
    by_text = reply_in(sms, "IN3", "yes")
    assert by_text.content["postback"] == "confirm:yes"
    other = reply_in(sms, "IN4", "3")
    assert other.content == {"type": "text", "text": "3"}


def test_digits_are_plain_text_when_chips_were_tappable(rich_conversation, agent, adapter, rich):
    message = send_message(rich_conversation, CHIPS, user=agent)
    deliver(str(message.pk))
    answer = reply_in(rich, "IN2", "1")
    assert answer.content == {"type": "text", "text": "1"}


def test_create_channel_takes_the_fallback_as_a_config_key(
    workspace, adapter, sms, other_workspace
):
    rich = create_channel(
        workspace, kind="recording", name="RCS 2", config={"rich": True, "fallback_channel": sms.pk}
    )
    assert rich.fallback == sms
    assert "fallback_channel" not in rich.config
    foreign = create_channel(other_workspace, kind="recording", name="Theirs", config={})
    with pytest.raises(ValueError, match="fallback_channel"):
        create_channel(
            workspace, kind="recording", name="RCS 3", config={"fallback_channel": foreign.pk}
        )
