"""How the RCS channel takes part in the shared adapter contract (tests/channels)."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels_rcs.sandbox import store
from channels_rcs.sandbox.events import envelope, user_event, user_message_event
from channels_rcs.signature import HEADER
from tests.channels.contract import SignedPost

from .conftest import CLIENT_TOKEN, goog_signature, make_rcs_channel

CUSTOMER = "+14155550122"


class RcsHarness:
    kind = "rcs"
    signature_header = HEADER
    # RBM reports sent by its 200 on send; after that only DELIVERED and READ arrive.
    status_cases = (("DELIVERED", "delivered"), ("READ", "read"), ("IS_TYPING", None))

    def make_channel(self, workspace):
        return make_rcs_channel(workspace)

    def cleanup(self, channel) -> None:
        store.reset(channel.config["agent_id"])

    def _signed(self, channel, event: dict, secret: str | None) -> SignedPost:
        body, signed = envelope(event)
        url = channel.adapter.webhook_urls(channel)["webhook"]
        return SignedPost(
            path=urlsplit(url).path,
            body=body,
            content_type="application/json",
            headers={HEADER: goog_signature(secret or CLIENT_TOKEN, signed)},
        )

    def inbound(self, channel, *, provider_message_id, text, secret=None) -> SignedPost:
        agent_id = channel.config["agent_id"]
        content = {"type": "text", "text": text}
        event = user_message_event(agent_id, CUSTOMER, content, provider_message_id)
        return self._signed(channel, event, secret)

    def status(self, channel, *, provider_message_id, wire_status) -> SignedPost:
        event = user_event(channel.config["agent_id"], CUSTOMER, wire_status, provider_message_id)
        return self._signed(channel, event, None)


harness = RcsHarness()
