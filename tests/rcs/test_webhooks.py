"""Inbound RBM webhooks through the real view: handshake, signatures, every event kind."""

from __future__ import annotations

import json

import pytest

from channels_rcs.webhooks import parse
from inbox.adapters import InboundMessage, ReadReceipt, StatusUpdate, TypingIndicator, WebhookError
from inbox.models import Author, Direction, Message, MessageStatus

from .conftest import CLIENT_TOKEN, goog_signature, wrap

pytestmark = pytest.mark.django_db

PHONE = "+14155550100"


def user_message(**fields) -> dict:
    return {
        "senderPhoneNumber": PHONE,
        "messageId": "MxAbC123",
        "sendTime": "2026-03-01T10:00:00.123Z",
        "agentId": "acme_agent",
        **fields,
    }


def test_handshake_echoes_the_secret_only_for_our_client_token(post):
    ok = post.raw(json.dumps({"clientToken": CLIENT_TOKEN, "secret": "1234567890"}).encode(), None)
    assert ok.status_code == 200
    assert ok.content == b"1234567890"
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


def test_unwrapped_event_signed_over_the_body_is_accepted(post, rcs_channel):
    assert post.event(user_message(text="bare"), wrapped=False).status_code == 200
    assert Message.objects.get(channel=rcs_channel).content["text"] == "bare"


def test_bad_signature_is_403_and_writes_nothing(post, rcs_channel):
    assert post.event(user_message(text="x"), token="wrong-token").status_code == 403
    body, _ = wrap(user_message(text="x"))
    assert post.raw(body, None).status_code == 403
    # Signed over the envelope with a tampered event inside: still refused.
    _, data = wrap(user_message(text="original"))
    tampered, _ = wrap(user_message(text="tampered"))
    assert post.raw(tampered, goog_signature(CLIENT_TOKEN, data)).status_code == 403
    assert not Message.objects.filter(channel=rcs_channel).exists()


def test_malformed_is_400_and_writes_nothing(post, rcs_channel):
    assert post.event({"senderPhoneNumber": PHONE, "messageId": "M1"}).status_code == 400
    assert post.event(user_message(senderPhoneNumber="415-555")).status_code == 400
    garbage = b"not json"
    assert post.raw(garbage, goog_signature(CLIENT_TOKEN, garbage)).status_code == 400
    body = json.dumps({"message": {"data": "%%%"}}).encode()
    assert post.raw(body, goog_signature(CLIENT_TOKEN, body)).status_code == 400
    assert not Message.objects.filter(channel=rcs_channel).exists()


def test_duplicate_delivery_is_absorbed(post, rcs_channel):
    event = user_message(text="once")
    assert post.event(event).status_code == 200
    assert post.event(event).status_code == 200
    assert Message.objects.filter(channel=rcs_channel).count() == 1


def test_user_file_becomes_media_for_the_worker_to_fetch():
    event = user_message(
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
        }
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
    body, _ = wrap(user_message(location={"latitude": 19.4326, "longitude": -99.1332}))
    [loc] = parse(body)
    assert loc.content == {"type": "location", "latitude": 19.4326, "longitude": -99.1332}
    assert loc.text == "https://maps.google.com/?q=19.4326,-99.1332"
    body, _ = wrap(
        user_message(
            suggestionResponse={
                "postbackData": "pay:inv-2025-11",
                "text": "Pay now",
                "type": "ACTION",
            }
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
    assert event("SOMETHING_NEW") == []
    with pytest.raises(WebhookError):
        event("READ")  # no messageId: cannot be attributed


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
