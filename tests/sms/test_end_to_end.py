"""The production shape: uvicorn serves the inbox and the sandbox, a real Celery worker
delivers the reply and posts the sandbox's delayed status callbacks."""

from __future__ import annotations

import time

import pytest

from channels_sms import sandbox
from inbox import services
from inbox.models import Conversation, Message
from tests.support.waiting import eventually

from .conftest import CUSTOMER, OUR_NUMBER

pytestmark = pytest.mark.worker


def _wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def test_inbound_reply_and_delivery_reports(asgi_server, live_settings, celery_worker, workspace):
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    assert channel.api_base_url == f"{asgi_server}/sandbox/twilio"
    sandbox.set_controls(channel.config["account_sid"], callback_delay_ms=50)

    inbound = sandbox.simulate_inbound(channel, CUSTOMER, "Where is my order?")
    assert inbound.status_code == 200
    conversation = eventually(
        lambda: Conversation.objects.filter(contact__identities__value=CUSTOMER).first(),
        what="the inbound SMS applied by the worker",
    )

    reply = services.send_message(conversation, {"type": "text", "text": "On its way!"})

    def delivered():
        message = Message.objects.get(pk=reply.pk)
        return message if message.status in ("delivered", "failed") else None

    message = _wait_for(delivered)
    assert message.status == "delivered", (message.error_code, message.error_message)
    assert message.provider_message_id.startswith("SM")
    handset = sandbox.handset_messages(CUSTOMER)
    assert [m["body"] for m in handset[-2:]] == ["Where is my order?", "On its way!"]
    assert handset[-1]["status"] == "delivered"
    sandbox.reset(channel.config["account_sid"])
