"""How the SMS channel takes part in the shared adapter contract (tests/channels)."""

from __future__ import annotations

from urllib.parse import urlencode

from channels_sms import sandbox
from channels_sms.sandbox.callbacks import params_for
from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import HEADER, sign
from inbox import services
from tests.channels.contract import SignedPost

from .conftest import CUSTOMER, FORM, OUR_NUMBER, path_of


class SmsHarness:
    kind = "sms"
    signature_header = HEADER
    status_cases = (
        ("queued", "queued"),
        ("sent", "sent"),
        ("delivered", "delivered"),
        ("read", "read"),
        ("undelivered", "failed"),
        ("failed", "failed"),
        ("received", None),
    )

    def make_channel(self, workspace):
        channel = services.create_channel(
            workspace, kind="sms", name="Contract SMS", config=sandbox.channel_config(OUR_NUMBER)
        )
        sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
        return channel

    def cleanup(self, channel) -> None:
        sandbox.reset(channel.config["account_sid"])

    def _signed(self, channel, url: str, params: dict, secret: str | None) -> SignedPost:
        token = secret or channel.secrets["auth_token"]
        return SignedPost(
            path=path_of(url),
            body=urlencode(params).encode(),
            content_type=FORM,
            headers={HEADER: sign(token, url, params)},
        )

    def inbound(self, channel, *, provider_message_id, text, secret=None) -> SignedPost:
        params = inbound_params(
            account_sid=channel.config["account_sid"],
            from_number=CUSTOMER,
            to_number=OUR_NUMBER,
            body=text,
            sid=provider_message_id,
        )
        url = channel.adapter.webhook_urls(channel)["inbound"]
        return self._signed(channel, url, params, secret)

    def status(self, channel, *, provider_message_id, wire_status) -> SignedPost:
        message = {
            "sid": provider_message_id,
            "account_sid": channel.config["account_sid"],
            "from": OUR_NUMBER,
            "to": CUSTOMER,
        }
        params = params_for(message, wire_status, 0, controls={})
        url = channel.adapter.webhook_urls(channel)["status"]
        return self._signed(channel, url, params, None)


harness = SmsHarness()
