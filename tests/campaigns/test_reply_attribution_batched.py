"""Campaign replies applied by the worker's batch (inbox/services/ingest_batch.py) are
attributed as ingest() attributes them one by one: within the window, after the send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import CampaignReply, Message
from inbox.services import accept, apply_pending
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


def reply(pid: str, phone: str, at) -> InboundMessage:
    return InboundMessage(
        provider_message_id=pid,
        sender=phone,
        recipient="+14155550100",
        content={"type": "text", "text": "yes please"},
        text="yes please",
        received_at=at,
    )


def test_replies_in_one_batch_are_attributed_to_the_campaign(
    workspace, admin_user, reminder, sms_channel, settings, monkeypatch
):
    settings.INBOUND_EVENTS_INLINE = False
    settings.INBOUND_APPLY_PARTITIONS = 1  # one batch
    monkeypatch.setattr("inbox.services.inbound_queue.kick", lambda: None)  # no worker race
    first, second = make_contact(workspace, 1), make_contact(workspace, 2)
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, [first, second])
    sent_at = timezone.now() - timedelta(hours=1)
    launch_campaign(campaign=campaign, actor=None)
    expansion.run_expansion(campaign.pk)
    Message.objects.filter(campaign_recipient__campaign=campaign).update(
        status="sent", sent_at=sent_at
    )
    accept(sms_channel, [reply("R0", "+14155550001", sent_at - timedelta(minutes=5))])
    accept(sms_channel, [reply("R1", "+14155550001", sent_at + timedelta(minutes=5))])
    accept(sms_channel, [reply("R2", "+14155550002", sent_at + timedelta(minutes=10))])
    assert apply_pending() == 3
    attributed = set(
        CampaignReply.objects.filter(campaign=campaign).values_list(
            "message__provider_message_id", flat=True
        )
    )
    assert attributed == {"R1", "R2"}  # R0 came before the campaign was sent
