"""Twilio webhook parameters into normalized events (no database involved)."""

from __future__ import annotations

import pytest

from channels_sms.webhooks import parse
from inbox.adapters import ConsentChange, InboundMessage, StatusUpdate, WebhookError

INBOUND_URL = "http://127.0.0.1:8000/webhooks/sms/tok/"
STATUS_URL = "http://127.0.0.1:8000/webhooks/sms/tok/status/"
BASE = {
    "MessageSid": "SM" + "a" * 32,
    "From": "+14155550111",
    "To": "+14155550100",
    "Body": "Hello there",
    "NumMedia": "0",
    "SmsStatus": "received",
}


def test_text_message():
    (event,) = parse(INBOUND_URL, BASE)
    assert isinstance(event, InboundMessage)
    assert event.provider_message_id == BASE["MessageSid"]
    assert event.sender == "+14155550111"
    assert event.recipient == "+14155550100"
    assert event.content == {"type": "text", "text": "Hello there"}
    assert event.text == "Hello there"
    assert event.raw["SmsStatus"] == "received"


def test_mms_with_caption_and_several_media():
    params = {
        **BASE,
        "Body": "Look",
        "NumMedia": "2",
        "MediaUrl0": "https://media.test/0",
        "MediaContentType0": "image/png",
        "MediaUrl1": "https://media.test/1",
        "MediaContentType1": "video/mp4",
    }
    first, second = parse(INBOUND_URL, params)
    assert first.provider_message_id == BASE["MessageSid"]
    assert first.content == {
        "type": "media",
        "url": "https://media.test/0",
        "mime_type": "image/png",
        "caption": "Look",
    }
    assert first.text == "Look\nhttps://media.test/0"
    assert second.provider_message_id == BASE["MessageSid"] + "/1"
    assert second.content == {
        "type": "media",
        "url": "https://media.test/1",
        "mime_type": "video/mp4",
    }


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"MessageSid": ""}, "MessageSid: required"),
        ({"From": ""}, "From: required"),
        ({"From": "hello"}, "From:"),
        ({"From": "4155550111"}, "From:"),
        ({"To": "+1 415 555 0100"}, "To:"),
        ({"NumMedia": "x"}, "NumMedia:"),
        ({"NumMedia": "1"}, "MediaUrl0: required"),
    ],
)
def test_malformed_inbound(change, error):
    with pytest.raises(WebhookError, match=error):
        parse(INBOUND_URL, {**BASE, **change})


def test_stop_is_a_consent_change_only():
    events = parse(INBOUND_URL, {**BASE, "Body": "stop", "OptOutType": "STOP"})
    assert events == [
        ConsentChange(
            sender="+14155550111", action="opt_out", keyword="STOP", provider_replied=True
        )
    ]


def test_default_keyword_without_opt_out_type_is_recognised():
    (event,) = parse(INBOUND_URL, {**BASE, "Body": " Unsubscribe. "})
    assert isinstance(event, ConsentChange) and event.action == "opt_out"


def test_stop_inside_a_sentence_is_a_message():
    (event,) = parse(INBOUND_URL, {**BASE, "Body": "STOP PLEASE"})
    assert isinstance(event, InboundMessage)


def test_start_is_consent_plus_message():
    consent, message = parse(INBOUND_URL, {**BASE, "Body": "START", "OptOutType": "START"})
    assert consent.action == "opt_in"
    assert isinstance(message, InboundMessage) and message.text == "START"


def test_status_callback_with_error():
    params = {
        "MessageSid": "SM1",
        "MessageStatus": "undelivered",
        "SmsStatus": "undelivered",
        "ErrorCode": "30003",
    }
    (event,) = parse(STATUS_URL, params)
    assert event == StatusUpdate(
        provider_message_id="SM1",
        status="failed",
        error_code="30003",
        error_message="unreachable handset (phone off or out of coverage)",
        raw=params,
    )


def test_status_callback_delivered():
    (event,) = parse(STATUS_URL, {"MessageSid": "SM1", "MessageStatus": "delivered"})
    assert (event.status, event.error_code, event.error_message) == ("delivered", "", "")


def test_status_callback_ignores_statuses_without_meaning_for_replies():
    assert parse(STATUS_URL, {"MessageSid": "SM1", "MessageStatus": "receiving"}) == []


@pytest.mark.parametrize("missing", ["MessageSid", "MessageStatus"])
def test_malformed_status(missing):
    params = {"MessageSid": "SM1", "MessageStatus": "sent"}
    params.pop(missing)
    with pytest.raises(WebhookError, match=f"{missing}: required"):
        parse(STATUS_URL, params)
