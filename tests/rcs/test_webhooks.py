"""Inbound RBM webhooks through the real view: handshake, signatures, every event kind.

Sources (developers.google.com/business-communications/rcs-business-messaging/...):
guides/integrate/webhooks (handshake, X-Goog-Signature, Pub/Sub-style body, retries for
7 days on a non-200), reference/rest/v1/phones.agentMessages (user messages),
guides/build/events ("User events": DELIVERED, READ, IS_TYPING).
"""

from __future__ import annotations

import json

import pytest

from channels_rcs.webhooks import parse as parse_for_agent
from inbox.adapters import InboundMessage, ReadReceipt, StatusUpdate, TypingIndicator, Unusable
from inbox.models import Author, Direction, InboundEvent, Message, MessageStatus

from .conftest import CLIENT_TOKEN, goog_signature, wrap

pytestmark = pytest.mark.django_db

PHONE = "+14155550100"
AGENT = "acme_agent"


def parse(body: bytes):
    return parse_for_agent(body, agent_id=AGENT)


def user_message(**fields) -> dict:
    return {
        "senderPhoneNumber": PHONE,
        "messageId": "MxAbC123",
        "sendTime": "2026-03-01T10:00:00.123Z",
        **fields,
    }


def test_handshake_echoes_the_secret_only_for_our_client_token(post):
    """Webhooks guide, "Configure your webhook": RBM posts {clientToken, secret}; the
    partner answers 200 with the secret as the plain body once the token matches."""
    ok = post.raw(json.dumps({"clientToken": CLIENT_TOKEN, "secret": "1234567890"}).encode(), None)
    assert ok.status_code == 200
    assert ok.content == b"1234567890"
    assert ok["Content-Type"].startswith("text/plain")
    bad = post.raw(json.dumps({"clientToken": "nope", "secret": "1234567890"}).encode(), None)
    assert bad.status_code == 403
    assert b"1234567890" not in bad.content


def test_text_message_wrapped_is_ingested(post, rcs_channel):
    response = post.event(user_message(text="Hello there"))
    assert response.status_code == 200
    message = Message.objects.get(channel=rcs_channel, provider_message_id="MxAbC123")
    assert message.direction == Direction.INBOUND
    assert message.author == Author.CONTACT
    assert message.content == {"type": "text", "text": "Hello there"}
    assert message.text == "Hello there"
    assert message.conversation.contact.identities.get().value == PHONE


def test_an_unwrapped_event_is_refused_as_unsigned(post, rcs_channel):
    """Webhooks guide: Google documents only the Pub/Sub-style body; a bare event, even
    signed over its own bytes, is not something RBM sends."""
    bare = json.dumps({**user_message(text="bare"), "agentId": rcs_channel.config["agent_id"]})
    assert post.raw(bare.encode(), goog_signature(CLIENT_TOKEN, bare.encode())).status_code == 403
    assert not InboundEvent.objects.exists()


def test_bad_signature_is_403_and_writes_nothing(post, rcs_channel):
    assert post.event(user_message(text="x"), token="wrong-token").status_code == 403
    body, _ = wrap(user_message(text="x"))
    assert post.raw(body, None).status_code == 403
    # Signed over the envelope with a tampered event inside: still refused.
    _, data = wrap(user_message(text="original"))
    tampered, _ = wrap(user_message(text="tampered"))
    assert post.raw(tampered, goog_signature(CLIENT_TOKEN, data)).status_code == 403
    assert not Message.objects.filter(channel=rcs_channel).exists()


def test_an_authentic_event_we_cannot_apply_is_200_and_kept_raw(post, rcs_channel):
    """Webhooks guide: RBM retries any non-200 answer for 7 days, on one queue shared by
    all of a partner's agents. A correctly signed event that cannot be applied is
    answered 200, logged and kept (InboundEvent kind "Unusable") with its raw JSON."""
    assert post.event({"senderPhoneNumber": PHONE, "messageId": "M1"}).status_code == 200
    assert post.event(user_message(text="x", senderPhoneNumber="415-555")).status_code == 200
    assert post.event({**user_message(), "eventType": "SOMETHING_NEW"}).status_code == 200
    kept = [e for row in InboundEvent.objects.order_by("pk") for e in row.events]
    assert [kind for kind, _ in kept] == ["Unusable"] * 3
    assert kept[0][1]["raw"]["messageId"] == "M1"
    assert "no text, userFile, location or suggestionResponse" in kept[0][1]["reason"]
    assert "senderPhoneNumber" in kept[1][1]["reason"]
    assert not Message.objects.filter(channel=rcs_channel).exists()


def test_only_a_bad_signature_is_refused(post, rcs_channel):
    """Webhooks guide: a mismatched X-Goog-Signature is refused (403); garbage that is
    not the signed envelope cannot be verified at all, so it is refused too."""
    garbage = b"not json"
    assert post.raw(garbage, goog_signature(CLIENT_TOKEN, garbage)).status_code == 403
    body = json.dumps({"message": {"data": "%%%"}}).encode()
    assert post.raw(body, goog_signature(CLIENT_TOKEN, body)).status_code == 403
    assert not InboundEvent.objects.exists()


def test_an_event_for_another_agent_is_200_and_writes_nothing(post, rcs_channel):
    """Webhooks guide: one webhook and one queue serve all of a partner's agents, so an
    event whose agentId is not the channel's agent is acknowledged, logged, not applied."""
    response = post.event(user_message(text="not yours", agentId="someone_elses_agent"))
    assert response.status_code == 200
    assert not InboundEvent.objects.exists()
    assert not Message.objects.exists()


def test_duplicate_delivery_is_absorbed(post, rcs_channel):
    event = user_message(text="once")
    assert post.event(event).status_code == 200
    assert post.event(event).status_code == 200
    assert Message.objects.filter(channel=rcs_channel).count() == 1


def test_user_file_becomes_media_for_the_worker_to_fetch():
    event = user_message(
        agentId=AGENT,
        userFile={
            "thumbnail": {
                "mimeType": "image/jpeg",
                "fileUri": "https://rcs.example/t",
                "fileSizeBytes": "1000",
            },
            "payload": {
                "mimeType": "image/jpeg",
                "fileSizeBytes": "123456",
                "fileUri": "https://rcs.example/f",
                "fileName": "photo.jpg",
            },
        },
    )
    body, _ = wrap(event)
    [inbound] = parse(body)
    assert isinstance(inbound, InboundMessage)
    assert inbound.content == {
        "type": "media",
        "url": "https://rcs.example/f",
        "mime_type": "image/jpeg",
        "filename": "photo.jpg",
        "size": 123456,
    }


def test_location_and_suggestion_response():
    body, _ = wrap(
        user_message(agentId=AGENT, location={"latitude": 19.4326, "longitude": -99.1332})
    )
    [loc] = parse(body)
    assert loc.content == {"type": "location", "latitude": 19.4326, "longitude": -99.1332}
    assert loc.text == "https://maps.google.com/?q=19.4326,-99.1332"
    body, _ = wrap(
        user_message(
            agentId=AGENT,
            suggestionResponse={
                "postbackData": "pay:inv-2025-11",
                "text": "Pay now",
                "type": "ACTION",
            },
        )
    )
    [tap] = parse(body)
    assert tap.content == {
        "type": "suggestion_response",
        "text": "Pay now",
        "postback": "pay:inv-2025-11",
    }


def test_user_events_parse():
    def event(kind, **more):
        body, _ = wrap(
            {
                "senderPhoneNumber": PHONE,
                "eventType": kind,
                "eventId": "E1",
                "sendTime": "2026-03-01T10:00:00Z",
                "agentId": AGENT,
                **more,
            }
        )
        return parse(body)

    [delivered] = event("DELIVERED", messageId="0f1e2d3c-0000-4000-8000-000000000001")
    assert isinstance(delivered, StatusUpdate)
    assert (delivered.provider_message_id, delivered.status) == (
        "0f1e2d3c-0000-4000-8000-000000000001",
        "delivered",
    )
    [read] = event("READ", messageId="0f1e2d3c-0000-4000-8000-000000000001")
    assert isinstance(read, ReadReceipt)
    assert read.provider_message_id == "0f1e2d3c-0000-4000-8000-000000000001"
    [typing] = event("IS_TYPING")
    assert typing == TypingIndicator(sender=PHONE)
    [unknown] = event("SOMETHING_NEW")
    assert isinstance(unknown, Unusable)
    [unattributed] = event("READ")  # no messageId: cannot be attributed
    assert isinstance(unattributed, Unusable)
    assert unattributed.reason == "messageId: required"


def test_delivered_and_read_events_move_our_message(post, rcs_channel):
    assert post.event(user_message(text="hi")).status_code == 200
    inbound = Message.objects.get(channel=rcs_channel)
    outbound = Message.objects.create(
        workspace_id=rcs_channel.workspace_id,
        conversation=inbound.conversation,
        channel=rcs_channel,
        direction=Direction.OUTBOUND,
        author=Author.AGENT,
        content={"type": "text", "text": "hello"},
        text="hello",
        status=MessageStatus.SENT,
    )
    outbound.provider_message_id = str(outbound.id)
    outbound.save()
    base = {
        "senderPhoneNumber": PHONE,
        "sendTime": "2026-03-01T10:00:05Z",
        "messageId": str(outbound.id),
    }
    assert post.event({**base, "eventType": "DELIVERED", "eventId": "E1"}).status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == MessageStatus.DELIVERED
    assert post.event({**base, "eventType": "READ", "eventId": "E2"}).status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == MessageStatus.READ
    # A late DELIVERED never moves it back.
    assert post.event({**base, "eventType": "DELIVERED", "eventId": "E3"}).status_code == 200
    outbound.refresh_from_db()
    assert outbound.status == MessageStatus.READ


def test_typing_event_is_acknowledged(post):
    assert (
        post.event(
            {"senderPhoneNumber": PHONE, "eventType": "IS_TYPING", "eventId": "E9"}
        ).status_code
        == 200
    )
