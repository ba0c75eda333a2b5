"""RCS to SMS fallback through the real worker: the SMS phone gets the text rendering,
and the customer's digit reply comes back as the chip's postback."""

from __future__ import annotations

import uuid

import pytest

from channels_sms import sandbox as sms_sandbox
from inbox import services
from inbox.models import Message
from tests.rcs.conftest import make_rcs_channel
from tests.support.waiting import eventually

pytestmark = pytest.mark.worker

NOT_RCS_CAPABLE = "+14155550127"  # the RBM sandbox: numbers ending in an odd digit

CARD = {
    "type": "card",
    "card": {
        "title": "Roses, 12 stems",
        "description": "Delivered tomorrow",
        "suggestions": [
            {"type": "reply", "text": "Yes", "postback": "order:yes"},
            {"type": "reply", "text": "No", "postback": "order:no"},
        ],
    },
}


def test_rcs_incapable_number_gets_sms_and_digit_reply_maps_to_postback(
    asgi_server, live_settings, celery_worker, workspace
):
    sms = services.create_channel(
        workspace, kind="sms", name="SMS line", config=sms_sandbox.channel_config("+14155550100")
    )
    rcs = make_rcs_channel(workspace, fallback_channel=sms.pk)
    assert rcs.fallback == sms

    assert sms_sandbox.simulate_inbound(sms, NOT_RCS_CAPABLE, "Any roses?").status_code == 200
    first = eventually(
        lambda: Message.objects.filter(channel=sms, direction="inbound").first(),
        what="the customer's SMS applied by the worker",
    )

    card = {**CARD, "card": {**CARD["card"], "title": f"Roses {uuid.uuid4().hex[:6]}"}}
    reply = services.send_message(
        first.conversation, card, channel=rcs
    )  # handset log outlives tests
    sent = eventually(
        lambda: Message.objects.filter(pk=reply.pk, status__in=["sent", "delivered"]).first(),
        what="the card delivered by the worker",
    )
    assert sent.channel == sms and sent.fallback_from == rcs
    assert "not reachable" in sent.fallback_reason
    bodies = [m["body"] for m in sms_sandbox.handset_messages(NOT_RCS_CAPABLE)]
    assert bodies.count(sent.text) == 1  # once, as text
    assert "Reply 1 for Yes, 2 for No" in sent.text

    assert sms_sandbox.simulate_inbound(sms, NOT_RCS_CAPABLE, "2").status_code == 200
    answer = eventually(
        lambda: Message.objects.filter(channel=sms, direction="inbound", text="2").first(),
        what="the digit reply applied by the worker",
    )
    assert answer.content["type"] == "suggestion_response"
    assert answer.content["postback"] == "order:no"
    sms_sandbox.reset(sms.config["account_sid"])
