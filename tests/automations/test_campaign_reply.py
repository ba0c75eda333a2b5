"""A reply to a campaign as a trigger, and the conversion an automation records for it
(inbox.selectors.campaign_attribution decides what a reply answers, as the funnel does)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from automations.models import AutomationRun
from inbox.models import CampaignConversion, Message
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from tests.campaigns.conftest import new_campaign

from .conftest import PHONE, bot_messages, inbound, make_rule


@pytest.fixture
def reminder_sent(workspace, admin_user, sms_channel, customer, dialog_templates):
    campaign = new_campaign(
        workspace, admin_user, dialog_templates["balance"], sms_channel, [customer]
    )
    launch_campaign(campaign=campaign, actor=admin_user)
    expansion.run_expansion(campaign.pk)
    sent = timezone.now() - timedelta(minutes=5)
    assert Message.objects.filter(campaign=campaign).update(status="sent", sent_at=sent) == 1
    return campaign


def test_a_reply_to_the_campaign_runs_the_rule_and_records_the_conversion(
    reminder_sent, sms_channel, workspace, admin_user, dialog_templates
):
    make_rule(
        workspace, admin_user, name="Paid", trigger="campaign_reply",
        actions=[{"type": "record_conversion", "value": 1234.5},
                 {"type": "reply", "template_id": dialog_templates["confirmation"].pk}],
    )  # fmt: skip
    message, outcome = inbound(sms_channel, "ya pagué")
    assert outcome == "done"
    conversion = CampaignConversion.objects.get(campaign=reminder_sent)
    assert conversion.source == "automation" and conversion.value == Decimal("1234.50")
    assert "pago registrado" in bot_messages(message.conversation)[-1].text


def test_without_a_campaign_the_trigger_does_not_hold(
    sms_channel, customer, workspace, admin_user, dialog_templates
):
    make_rule(workspace, admin_user, trigger="campaign_reply", actions=[{"type": "resolve"}])
    assert inbound(sms_channel, "hola", phone=PHONE)[1] == "no match"


def test_a_conversion_without_a_campaign_is_a_recorded_failure(
    sms_channel, customer, workspace, admin_user
):
    make_rule(
        workspace, admin_user, trigger="keyword", trigger_value="pagado",
        actions=[{"type": "record_conversion"}],
    )  # fmt: skip
    message, outcome = inbound(sms_channel, "pagado")
    assert outcome == "failed"
    assert "answers no campaign" in AutomationRun.objects.get(message=message).detail
    assert not CampaignConversion.objects.exists()
