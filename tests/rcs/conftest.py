"""RCS fixtures: a channel whose agent lives in the sandbox, and signed webhook posts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.urls import reverse

from channels_rcs.sandbox import accounts
from inbox.services import create_channel

CLIENT_TOKEN = "SJENCPGJESMGUFPY"


def goog_signature(token: str, data: bytes) -> str:
    """Computed here from Google's sample, independently of channels_rcs.signature."""
    return base64.b64encode(hmac.new(token.encode(), data, hashlib.sha512).digest()).decode()


def wrap(event: dict) -> tuple[bytes, bytes]:
    """(Pub/Sub-style body, the event bytes it carries)."""
    data = json.dumps(event).encode()
    body = {
        "message": {"data": base64.b64encode(data).decode(), "messageId": "1", "publishTime": "x"},
        "subscription": "projects/p/subscriptions/s",
    }
    return json.dumps(body).encode(), data


def make_rcs_channel(workspace, **extra):
    config = accounts.channel_config(**extra)
    config["client_token"] = CLIENT_TOKEN
    agent_id = config["agent_id"]
    from channels_rcs.sandbox import store

    store.register_agent(
        agent_id,
        client_email=json.loads(config["service_account_key"])["client_email"],
        client_token=CLIENT_TOKEN,
    )
    return create_channel(workspace, kind="rcs", name="RCS line", config=config)


@pytest.fixture
def rcs_channel(workspace):
    return make_rcs_channel(workspace)


class Poster:
    def __init__(self, channel):
        self.channel = channel
        self.client = Client()
        self.url = reverse("rcs-webhook", args=[channel.webhook_token])

    def raw(self, body: bytes, signature: str | None):
        headers = {"HTTP_X_GOOG_SIGNATURE": signature} if signature is not None else {}
        return self.client.post(self.url, data=body, content_type="application/json", **headers)

    def event(self, event: dict, *, wrapped: bool = True, token: str = CLIENT_TOKEN):
        if wrapped:
            body, data = wrap(event)
        else:
            body = data = json.dumps(event).encode()
        return self.raw(body, goog_signature(token, data))


@pytest.fixture
def post(rcs_channel):
    return Poster(rcs_channel)
