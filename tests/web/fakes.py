"""A do-nothing adapter and ingest-made conversations for page and websocket tests."""

from __future__ import annotations

import itertools

from django.utils import timezone

from inbox.adapters import Capabilities, ChannelAdapter, InboundMessage, SendResult
from inbox.services import create_channel, ingest

_ids = itertools.count(1)


class PageAdapter(ChannelAdapter):
    """Accepts everything; `fail_with` makes the next sends raise (to produce failures)."""

    kind = "pagetest"
    label = "Page test"
    fail_with: Exception | None = None

    def capabilities(self, channel):
        return Capabilities(max_text_length=40)

    def render_text(self, content):
        return content.get("text", "")

    def validate(self, channel, content):
        if len(content.get("text", "")) > 40:
            return ["content.text: longer than this channel's 40 characters"]
        return []

    def send(self, channel, *, to, content, message_id):
        if self.fail_with:
            raise self.fail_with
        return SendResult(provider_message_id=f"P-{message_id}")

    def verify_webhook(self, channel, request):
        return True

    def parse_webhook(self, channel, request):
        return []


def make_channel(workspace, name: str = "Support SMS"):
    return create_channel(workspace, kind="pagetest", name=name, config={})


def inbound(channel, sender: str, text: str):
    """A customer message through the real ingest service (as a webhook would)."""
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"in-{next(_ids)}",
                sender=sender,
                recipient="+15550000000",
                content={"type": "text", "text": text},
                text=text,
                received_at=timezone.now(),
            )
        ],
    )
    return message
