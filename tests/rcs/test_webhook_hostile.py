"""Deep nesting and NULs at the RBM webhook: refused when unsigned, kept when signed.

Source: https://developers.google.com/business-communications/rcs-business-messaging/guides/integrate/webhooks
(only the Pub/Sub-style body, signed over its decoded `message.data`; RBM retries every
non-200 answer, so an authentic event is acknowledged even when it cannot be applied).
"""

from __future__ import annotations

import base64
import json

from django.test import Client

from inbox.models import InboundEvent, Message

from .conftest import CLIENT_TOKEN, goog_signature, wrap


def test_deep_json_with_an_unknown_token_is_a_4xx(db):
    body = b"[" * 100_000
    response = Client().post("/webhooks/rcs/nosuchtoken/", body, content_type="application/json")
    assert response.status_code == 404


def test_deep_json_that_is_no_envelope_is_403_and_stores_nothing(post):
    body = b'{"message": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = post.raw(body, goog_signature(CLIENT_TOKEN, body))
    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_deep_json_inside_a_signed_envelope_is_acknowledged_and_kept(post):
    data = b"[" * 5000 + b"]" * 5000
    body = json.dumps({"message": {"data": base64.b64encode(data).decode()}}).encode()
    response = post.raw(body, goog_signature(CLIENT_TOKEN, data))
    assert response.status_code == 200
    [row] = InboundEvent.objects.all()
    assert row.kind == "Unusable"
    assert not Message.objects.exists()


def test_signed_text_with_a_nul_and_a_lone_surrogate_is_stored_cleaned(post):
    event = {
        "senderPhoneNumber": "+14155550111",
        "messageId": "MSG-nul",
        "text": "hi\u0000 there \ud800",
        "sendTime": "2025-01-01T10:00:00Z",
        "agentId": post.channel.config["agent_id"],
    }
    body, data = wrap(event)  # \u0000 and \ud800 as JSON escapes, as RBM sends
    response = post.raw(body, goog_signature(CLIENT_TOKEN, data))
    assert response.status_code == 200
    assert Message.objects.get().content["text"] == "hi there \ufffd"
