"""A recording adapter, so service rules are tested without any provider in the way."""

from __future__ import annotations

import itertools

import pytest

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    PermanentSendError,
    SendResult,
    TransientSendError,
    register,
)
from inbox.services import create_channel


class RecordingAdapter(ChannelAdapter):
    kind = "recording"
    label = "Recording"
    secret_keys = ("token",)

    def __init__(self):
        self.sent: list[dict] = []
        self.fail_with: Exception | None = None
        self._ids = itertools.count(1)

    def capabilities(self, channel):
        return Capabilities(read_receipts=True)

    def render_text(self, content):
        return content.get("text", "")

    def send(self, channel, *, to, content, message_id):
        if self.fail_with:
            raise self.fail_with
        self.sent.append({"to": to, "content": content, "message_id": message_id})
        return SendResult(provider_message_id=f"R{next(self._ids)}", status="sent")

    def verify_webhook(self, channel, request):
        return True

    def parse_webhook(self, channel, request):
        return []


@pytest.fixture
def adapter():
    instance = register(RecordingAdapter())
    yield instance


@pytest.fixture
def channel(workspace, adapter):
    return create_channel(
        workspace, kind="recording", name="Rec", config={"token": "s3cret", "sender": "+15550001"}
    )


@pytest.fixture
def transient():
    return TransientSendError("provider busy", code="20429")


@pytest.fixture
def permanent():
    return PermanentSendError("unsubscribed (recipient replied STOP)", code="21610")
