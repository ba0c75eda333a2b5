"""A correctly signed SMS with a NUL in it is the customer's message: stored, NUL removed.

Before, PostgreSQL refused the NUL, the webhook answered 500, and Twilio's retries
failed the same way until the message was lost.
"""

from __future__ import annotations

from channels_sms.sandbox.inbound import inbound_params
from inbox.models import InboundEvent, Message

from .conftest import CUSTOMER, OUR_NUMBER, signed_post


def test_signed_inbound_with_a_nul_is_accepted_and_stored_without_it(client, sms_channel):
    params = inbound_params(
        account_sid=sms_channel.config["account_sid"],
        from_number=CUSTOMER,
        to_number=OUR_NUMBER,
        body="Order\x00 48213",
    )
    url = sms_channel.adapter.webhook_urls(sms_channel)["inbound"]
    response = signed_post(client, url, params, sms_channel.secrets["auth_token"])
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.content == {"type": "text", "text": "Order 48213"}
    assert message.text == "Order 48213"
    assert InboundEvent.objects.get().applied_at is not None


def test_a_nul_in_the_url_token_is_404(client, sms_channel):
    response = client.post("/webhooks/sms/ab%00cd/", data=b"", content_type="text/plain")
    assert response.status_code == 404
