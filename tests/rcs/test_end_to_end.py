"""Full loop on real processes: uvicorn serves the inbox and the RBM sandbox, a Celery
worker delivers our queued reply, and the sandbox's delayed DELIVERED / READ user events
(Celery tasks too) come back signed to the webhook and move the message to read."""

from __future__ import annotations

import time

import pytest

from channels_rcs.sandbox import events, store
from inbox.models import Message, MessageStatus
from inbox.services import send_message
from tests.support.waiting import eventually

from .conftest import make_rcs_channel

pytestmark = pytest.mark.worker

PHONE = "+14155550144"


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_reply_is_sent_delivered_and_read(
    asgi_server, live_settings, celery_worker, workspace, agent
):
    channel = make_rcs_channel(workspace)
    assert channel.api_base_url == f"{asgi_server}/sandbox/rbm"
    store.set_controls(
        channel.config["agent_id"], events="auto", delivered_delay_ms=100, read_delay_ms=200
    )
    status, mid = events.simulate_user_message(channel, PHONE, "Is it in stock?")
    assert status == 200
    inbound = eventually(
        lambda: Message.objects.filter(channel=channel, provider_message_id=mid).first(),
        what="the inbound RCS message applied by the worker",
    )

    reply = send_message(
        inbound.conversation,
        content={
            "type": "text",
            "text": "Yes! Want one?",
            "suggestions": [{"type": "reply", "text": "Yes"}, {"type": "reply", "text": "No"}],
        },
        user=agent,
    )
    read = wait_for(
        lambda: Message.objects.filter(pk=reply.pk, status=MessageStatus.READ).first(), 60
    )
    assert read.provider_message_id == str(reply.pk)
    assert read.delivered_at is not None
    wire = store.get_message(channel.config["agent_id"], str(reply.pk))
    assert wire["body"]["contentMessage"]["suggestions"][1] == {
        "reply": {"text": "No", "postbackData": "No"}
    }
