"""Which campaign a customer's message answers: the latest campaign message sent before
it, within that campaign's window; outbound messages and strangers answer none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import CampaignRecipient, Message
from inbox.selectors.campaign_attribution import campaign_recipient_for_reply
from inbox.services import ingest
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


def _sent(campaign, at):
    launch_campaign(campaign=campaign, actor=None)
    expansion.run_expansion(campaign.pk)
    Message.objects.filter(campaign_recipient__campaign=campaign).update(status="sent", sent_at=at)


def _reply(channel, phone, at, n, text="hi"):
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"a-{n}",
                sender=phone,
                recipient="+14155550100",
                content={"type": "text", "text": text},
                text=text,
                received_at=at,
            )
        ],
    )
    return message


def test_last_touch_within_each_campaigns_window(workspace, admin_user, reminder, sms_channel):
    contact = make_contact(workspace, 1)
    t = timezone.now() - timedelta(days=10)
    first = new_campaign(workspace, admin_user, reminder, sms_channel, [contact], name="A")
    second = new_campaign(
        workspace, admin_user, reminder, sms_channel, [contact], name="B", attribution_hours=2
    )
    _sent(first, t)
    _sent(second, t + timedelta(hours=1))
    phone = "+14155550001"
    cases = [
        (t - timedelta(minutes=1), None),  # before anything was sent
        (t + timedelta(minutes=30), "A"),
        (t + timedelta(hours=2), "B"),  # B is the latest
        (t + timedelta(hours=4), "A"),  # past B's 2 h window, still within A's 72 h
    ]
    for n, (at, expected) in enumerate(cases):
        message = _reply(sms_channel, phone, at, n)
        found = campaign_recipient_for_reply(message)
        assert (found.campaign.name if found else None) == expected, at
    outbound = Message.objects.filter(direction="outbound").first()
    assert campaign_recipient_for_reply(outbound) is None
    assert CampaignRecipient.objects.get(campaign=first).replies.count() == 2
    assert CampaignRecipient.objects.get(campaign=second).replies.count() == 1


def test_a_numbered_sms_reply_counts_as_the_chip_it_names(
    workspace, admin_user, reminder, sms_channel
):
    from inbox.models import CampaignConversion, CampaignReply
    from inbox.services.templates.save import save_template

    # 1 = "My balance", 2 = "Talk to an agent" (the open_url chip is a link, not a number).
    save_template(
        workspace=workspace, actor=admin_user, template=reminder,
        conversion_postbacks=["Talk to an agent"],
    )  # fmt: skip
    contact = make_contact(workspace, 1)
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, [contact])
    t = timezone.now() - timedelta(hours=5)
    _sent(campaign, t)
    phone = "+14155550001"
    _reply(sms_channel, phone, t + timedelta(hours=1), 1)  # "hi": a reply, not a choice
    first = CampaignReply.objects.get()
    assert first.tapped is False
    _reply(sms_channel, phone, t + timedelta(hours=2), 2, text="2.")
    assert CampaignReply.objects.filter(tapped=True).count() == 1
    assert CampaignConversion.objects.get().source == "postback"
