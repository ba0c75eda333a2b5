"""A recording adapter, so service rules are tested without any provider in the way."""

from __future__ import annotations

import itertools

import pytest

from inbox.adapters import (
    Capabilities,
    ChannelAdapter,
    InboundMessage,
    NotReachable,
    PermanentSendError,
    SendResult,
    TransientSendError,
    register,
)
from inbox.services import create_channel, ingest


class RecordingAdapter(ChannelAdapter):
    kind = "recording"
    label = "Recording"
    secret_keys = ("token",)

    def __init__(self):
        self.sent: list[dict] = []
        self.fail_with: Exception | None = None
        self.unreachable: set[str] = set()  # reachable() says False for these
        self.not_found: set[str] = set()  # send() raises NotReachable for these
        self.delivered: set[str] = set()  # provider ids revoke() can no longer withdraw
        self.revoked: list[str] = []
        self._ids = itertools.count(1)

    def capabilities(self, channel):
        return Capabilities(read_receipts=True, suggestions=bool(channel.config.get("rich")))

    def render_text(self, content):
        return content.get("text", "")

    def reachable(self, channel, to):
        if channel.config.get("rich"):
            return to not in self.unreachable
        return None

    def send(self, channel, *, to, content, message_id):
        if self.fail_with:
            raise self.fail_with
        if channel.config.get("rich") and to in self.not_found:
            raise NotReachable("not RCS-capable (404)", code="404")
        self.sent.append(
            {"to": to, "content": content, "message_id": message_id, "channel": channel.name}
        )
        return SendResult(provider_message_id=f"R{next(self._ids)}", status="sent")

    def revoke(self, channel, *, to, provider_message_id):
        if provider_message_id in self.delivered:
            return False
        self.revoked.append(provider_message_id)
        return True

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


CUSTOMER = "+14155550100"


@pytest.fixture
def sms(workspace, adapter):
    return create_channel(workspace, kind="recording", name="SMS", config={})


@pytest.fixture
def rich(workspace, adapter, sms):
    return create_channel(
        workspace, kind="recording", name="RCS", config={"rich": True}, fallback=sms
    )


@pytest.fixture
def rich_conversation(rich):
    message = ingest(
        rich,
        [
            InboundMessage(
                provider_message_id="IN1",
                sender=CUSTOMER,
                recipient="agent",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0]
    return message.conversation
