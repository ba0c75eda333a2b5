"""X-Goog-Signature checked against a hand-computed HMAC-SHA512 (Google's sample).

Source: https://developers.google.com/business-communications/rcs-business-messaging/guides/integrate/webhooks
("Verify incoming messages": base64 of HMAC-SHA512 keyed with the client token over the
decoded `message.data`, as in Google's Node.js sample).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from channels_rcs.adapter import RcsAdapter
from channels_rcs.signature import is_valid, sign
from inbox.adapters import WebhookRequest

from .conftest import CLIENT_TOKEN

EVENT = json.dumps(
    {"senderPhoneNumber": "+14155550100", "messageId": "M1", "text": "hi"}, separators=(",", ":")
).encode()
# base64(HMAC-SHA512(key="SJENCPGJESMGUFPY", EVENT)), computed with the standard library.
EXPECTED = base64.b64encode(hmac.new(b"SJENCPGJESMGUFPY", EVENT, hashlib.sha512).digest()).decode()


def test_sign_matches_the_hand_computed_value():
    assert len(base64.b64decode(EXPECTED)) == 64  # SHA-512, not SHA-256
    assert sign(CLIENT_TOKEN, EVENT) == EXPECTED
    assert is_valid(CLIENT_TOKEN, EXPECTED, EVENT)
    assert not is_valid(CLIENT_TOKEN, EXPECTED, EVENT + b" ")
    assert not is_valid("other", EXPECTED, EVENT)
    assert not is_valid(CLIENT_TOKEN, "", EVENT)
    assert not is_valid("", EXPECTED, EVENT)


def _request(body: bytes, signature: str) -> WebhookRequest:
    return WebhookRequest(
        url="https://inbox.example/webhooks/rcs/t/",
        method="POST",
        headers={"X-Goog-Signature": signature, "Content-Type": "application/json"},
        body=body,
        form={},
        query={},
    )


@pytest.mark.django_db
def test_adapter_verifies_the_decoded_pubsub_data(rcs_channel):
    body = json.dumps({"message": {"data": base64.b64encode(EVENT).decode()}}).encode()
    adapter = RcsAdapter()
    assert adapter.verify_webhook(rcs_channel, _request(body, EXPECTED))
    assert not adapter.verify_webhook(rcs_channel, _request(body, EXPECTED[:-4] + "AAA="))


@pytest.mark.django_db
def test_the_unwrapped_form_and_a_raw_body_hmac_are_refused(rcs_channel):
    """Google documents only the Pub/Sub-style envelope (webhooks guide, "Receive
    messages"): an event posted bare, even signed over its bytes, is not RBM's; nor is an
    envelope signed over the envelope instead of the decoded data."""
    adapter = RcsAdapter()
    assert not adapter.verify_webhook(rcs_channel, _request(EVENT, EXPECTED))
    body = json.dumps({"message": {"data": base64.b64encode(EVENT).decode()}}).encode()
    over_body = base64.b64encode(hmac.new(b"SJENCPGJESMGUFPY", body, hashlib.sha512).digest())
    assert not adapter.verify_webhook(rcs_channel, _request(body, over_body.decode()))
