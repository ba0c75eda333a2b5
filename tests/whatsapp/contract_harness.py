"""How the WhatsApp channel takes part in the shared adapter contract (tests/channels)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from channels_whatsapp.sandbox import accounts, store
from channels_whatsapp.sandbox.events import envelope, message_item, status_value
from channels_whatsapp.signature import HEADER
from tests.channels.contract import SignedPost

from .conftest import CUSTOMER, hub_signature, make_whatsapp_channel


class WhatsAppHarness:
    kind = "whatsapp"
    signature_header = HEADER
    status_cases = (
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("read", "read"),
        ("failed", "failed"),
        ("deleted", None),
    )

    def make_channel(self, workspace):
        return make_whatsapp_channel(workspace)

    def cleanup(self, channel) -> None:
        store.reset(channel.config["phone_number_id"])

    def _signed(self, channel, value: dict, secret: str | None) -> SignedPost:
        account = accounts.account(channel.config["phone_number_id"])
        body = json.dumps(envelope(account, value)).encode()
        url = channel.adapter.webhook_urls(channel)["callback_url"]
        return SignedPost(
            path=urlsplit(url).path,
            body=body,
            content_type="application/json",
            headers={HEADER: hub_signature(secret or channel.secrets["app_secret"], body)},
        )

    def inbound(self, channel, *, provider_message_id, text, secret=None) -> SignedPost:
        item = message_item(
            channel.config["phone_number_id"],
            CUSTOMER.lstrip("+"),
            {"type": "text", "text": text},
            provider_message_id,
        )
        value = {
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": item["from"]}],
            "messages": [item],
        }
        return self._signed(channel, value, secret)

    def status(self, channel, *, provider_message_id, wire_status) -> SignedPost:
        code = 131026 if wire_status == "failed" else None
        value = status_value(provider_message_id, wire_status, CUSTOMER.lstrip("+"), code)
        return self._signed(channel, value, None)


harness = WhatsAppHarness()
