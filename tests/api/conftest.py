from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.adapters import registry as adapter_registry
from inbox.services import create_channel, ingest
from inbox.services.tokens import create_api_token

from .fake_adapter import FakeAdapter

_provider_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _api_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls"


@pytest.fixture
def fake_adapter(monkeypatch):
    adapter = FakeAdapter()
    monkeypatch.setitem(adapter_registry._adapters, adapter.kind, adapter)
    return adapter


def make_channel(workspace, name="Test line", sender="+15550000001"):
    return create_channel(
        workspace, kind="test", name=name, config={"sender": sender, "api_key": "k"}
    )


@pytest.fixture
def channel(workspace, fake_adapter):
    return make_channel(workspace)


@pytest.fixture
def other_channel(other_workspace, fake_adapter):
    return make_channel(other_workspace, name="Globex line", sender="+15550000009")


def inbound(channel, sender="+14155550100", text="hello", at=None, name=""):
    """A customer message through the real ingest path; returns the Message."""
    return ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"IN{next(_provider_ids)}",
                sender=sender,
                recipient=channel.config.get("sender", ""),
                content={"type": "text", "text": text},
                text=text,
                received_at=at,
                sender_name=name,
            )
        ],
    )[0]


@pytest.fixture
def conversation(channel):
    return inbound(channel, text="Where is my order?", name="Ana").conversation


@pytest.fixture
def other_conversation(other_channel):
    return inbound(other_channel, sender="+14155559999", text="secret").conversation


def bearer_client(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def token(agent, workspace):
    return create_api_token(agent, workspace, "tests")


@pytest.fixture
def api(token) -> Client:
    return bearer_client(token[1])


@pytest.fixture
def outsider_api(outsider, other_workspace) -> Client:
    return bearer_client(create_api_token(outsider, other_workspace, "eve")[1])


def minutes_ago(n: int):
    return timezone.now() - timedelta(minutes=n)
