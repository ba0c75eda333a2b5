"""WhatsApp fixtures: a channel whose number lives in the sandbox, and signed posts."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from channels_whatsapp.models import MessageTemplate
from channels_whatsapp.sandbox import accounts
from inbox.models import Contact, ContactIdentity, Conversation
from inbox.services import create_channel

PAYLOADS = Path(__file__).parent / "payloads"
# The phone number id in Meta's documented examples; payload tests use it as the channel's.
DOC_PHONE_NUMBER_ID = "106540352242922"
CUSTOMER = "+16505551234"


def hub_signature(secret: str, body: bytes) -> str:
    """Computed here from Meta's description, independently of channels_whatsapp.signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def make_whatsapp_channel(workspace, **extra):
    config = accounts.channel_config(workspace_id=workspace.pk, **extra)
    return create_channel(workspace, kind="whatsapp", name="WhatsApp line", config=config)


def payload_bytes(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def payload(name: str) -> dict:
    data = json.loads(payload_bytes(name))
    data.pop("_source", None)
    return data


@pytest.fixture
def wa_channel(workspace):
    return make_whatsapp_channel(workspace)


@pytest.fixture
def conversation(wa_channel):
    """A conversation with CUSTOMER on `wa_channel` in which the customer never wrote
    (so outside the 24-hour window)."""
    contact = Contact.objects.create(workspace=wa_channel.workspace, name="Ana")
    ContactIdentity.objects.create(
        workspace=wa_channel.workspace, contact=contact, kind="phone", value=CUSTOMER
    )
    return Conversation.objects.create(
        workspace=wa_channel.workspace, contact=contact, channel=wa_channel
    )


def make_template(
    channel, name="order_update", status="APPROVED", body="Hi {{1}}, order {{2}} shipped", **extra
):
    """A template as the last sync reported it (no Meta round trip)."""
    return MessageTemplate.objects.create(
        workspace=channel.workspace,
        channel=channel,
        name=name,
        language="en_US",
        category=extra.pop("category", "UTILITY"),
        status=status,
        components=[{"type": "BODY", "text": body}],
        **extra,
    )


@pytest.fixture
def approved(wa_channel):
    return make_template(wa_channel)


@pytest.fixture
def doc_channel(workspace):
    """A channel with the phone number id of Meta's examples (its payloads are for it)."""
    return make_whatsapp_channel(workspace, phone_number_id=DOC_PHONE_NUMBER_ID)


class Poster:
    def __init__(self, channel):
        self.channel = channel
        self.client = Client()
        self.url = reverse("whatsapp-webhook", args=[channel.webhook_token])

    def raw(self, body: bytes, signature: str | None):
        headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
        return self.client.post(self.url, data=body, content_type="application/json", **headers)

    def signed(self, body: bytes | dict, secret: str | None = None):
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        return self.raw(body, hub_signature(secret or self.channel.secrets["app_secret"], body))


@pytest.fixture
def post(doc_channel):
    return Poster(doc_channel)
