"""Deep nesting and NULs at the RBM webhook: 400 for garbage, stored for signed text."""

from __future__ import annotations

import json

from django.test import Client

from inbox.models import InboundEvent, Message

from .conftest import CLIENT_TOKEN, goog_signature


def test_deep_json_with_an_unknown_token_is_a_4xx(db):
    body = b"[" * 100_000
    response = Client().post("/webhooks/rcs/nosuchtoken/", body, content_type="application/json")
    assert response.status_code == 404


def test_deep_json_signed_for_the_channel_is_400_and_stores_nothing(post):
    body = b'{"message": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = post.raw(body, goog_signature(CLIENT_TOKEN, body))
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


def test_signed_text_with_a_nul_and_a_lone_surrogate_is_stored_cleaned(post):
    event = {
        "senderPhoneNumber": "+14155550111",
        "messageId": "MSG-nul",
        "text": "hi\u0000 there \ud800",
        "sendTime": "2025-01-01T10:00:00Z",
    }
    body = json.dumps(event).encode()  # \u0000 and \ud800 as JSON escapes, as RBM sends
    response = post.raw(body, goog_signature(CLIENT_TOKEN, body))
    assert response.status_code == 200
    assert Message.objects.get().content["text"] == "hi there \ufffd"
