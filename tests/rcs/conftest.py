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


@pytest.fixture
def live_rcs_channel(live_server, settings, workspace):
    """A channel whose sends reach the sandbox over real HTTP, its events left to the
    test (nothing posts delivery reports on its own)."""
    from channels_rcs.sandbox import store

    settings.PUBLIC_BASE_URL = live_server.url
    channel = make_rcs_channel(workspace)
    store.set_controls(channel.config["agent_id"], events="manual")
    return channel


class Poster:
    def __init__(self, channel):
        self.channel = channel
        self.client = Client()
        self.url = reverse("rcs-webhook", args=[channel.webhook_token])

    def raw(self, body: bytes, signature: str | None):
        headers = {"HTTP_X_GOOG_SIGNATURE": signature} if signature is not None else {}
        return self.client.post(self.url, data=body, content_type="application/json", **headers)

    def event(self, event: dict, *, token: str = CLIENT_TOKEN):
        """Wrapped and signed as RBM posts it, addressed to the channel's agent unless the
        event names another."""
        event = {"agentId": self.channel.config["agent_id"], **event}
        body, data = wrap(event)
        return self.raw(body, goog_signature(token, data))


@pytest.fixture
def post(rcs_channel):
    return Poster(rcs_channel)


PHONE = "+14155550100"  # even last digit: RCS-capable in the sandbox


@pytest.fixture
def live_rcs(live_server, settings, workspace):
    """An RCS channel on the sandbox served by live_server; user events fired by hand."""
    settings.PUBLIC_BASE_URL = live_server.url
    from channels_rcs.sandbox import store

    channel = make_rcs_channel(workspace)
    store.set_controls(channel.config["agent_id"], events="manual")
    yield channel
    store.reset(channel.config["agent_id"])
    # The outbox asked Celery for deliveries these tests made in-process: drop them and
    # the drain's "kick queued" mark, or a later test's worker would wait behind them.
    from config.celery import app
    from inbox import redis_client
    from inbox.services.outbox import enqueue

    app.control.purge()
    redis_client.client().delete(enqueue.KICK_KEY)


@pytest.fixture
def sms_line(live_rcs, workspace):
    """An SMS channel on its sandbox, made the RCS channel's fallback."""
    from channels_sms import sandbox as sms_sandbox

    sms = create_channel(
        workspace, kind="sms", name="SMS line", config=sms_sandbox.channel_config("+14155550199")
    )
    live_rcs.fallback = sms
    live_rcs.save(update_fields=["fallback"])
    return sms


def conversation_with(channel, phone: str = PHONE):
    """The customer writes first (a signed user message through the sandbox)."""
    from channels_rcs.sandbox import events
    from inbox.models import Message

    status, mid = events.simulate_user_message(channel, phone, "Hello")
    assert status == 200
    return Message.objects.get(provider_message_id=mid).conversation
