"""The control arm: who is drawn into it, reproducibly, what they get, and how a
campaign asks for it (API and page), refused when it cannot work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from inbox.models import Campaign, CampaignRecipient, ContactReachability
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.experiment import draw_arm
from inbox.services.campaigns.plan import CampaignRejected
from inbox.services.tokens import create_api_token
from tests.api.conftest import bearer_client

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


def test_the_draw_is_reproducible_and_near_the_share():
    arms = [draw_arm(seed=42, contact_id=i, control_share=0.3) for i in range(10_000)]
    assert arms == [draw_arm(seed=42, contact_id=i, control_share=0.3) for i in range(10_000)]
    share = arms.count("control") / len(arms)
    assert 0.28 < share < 0.32
    other_seed = [draw_arm(seed=43, contact_id=i, control_share=0.3) for i in range(10_000)]
    assert other_seed != arms  # each campaign draws its own arms
    assert all(
        a == "treatment"
        for a in (draw_arm(seed=1, contact_id=i, control_share=0) for i in range(100))
    )


def test_only_rcs_capable_recipients_enter_and_the_control_gets_sms(
    workspace, admin_user, reminder, rcs_channel, sms_channel
):
    contacts = [make_contact(workspace, n) for n in range(1, 41)]
    for contact in contacts[:30]:
        ContactReachability.objects.create(
            contact=contact, channel=rcs_channel, reachable=True, checked_at=contact.created_at
        )
    ContactReachability.objects.create(
        contact=contacts[30],
        channel=rcs_channel,
        reachable=False,
        checked_at=contacts[30].created_at,
    )
    campaign = new_campaign(
        workspace, admin_user, reminder, rcs_channel, contacts, control_share=0.5
    )
    assert campaign.experiment_seed and campaign.control_share == Decimal("0.50")
    launch_campaign(campaign=campaign, actor=admin_user)
    expansion.run_expansion(campaign.pk)
    rows = list(
        CampaignRecipient.objects.filter(campaign=campaign).select_related("message__channel")
    )
    by_contact = {r.contact_id: r for r in rows}
    for contact in contacts[30:]:  # not known to be RCS-capable: outside the experiment
        assert by_contact[contact.pk].arm == ""
        assert by_contact[contact.pk].message.channel == rcs_channel
    capable = [by_contact[c.pk] for c in contacts[:30]]
    expected = [
        draw_arm(seed=campaign.experiment_seed, contact_id=c.pk, control_share=0.5)
        for c in contacts[:30]
    ]
    assert [r.arm for r in capable] == expected
    assert {"control", "treatment"} <= set(expected)
    for row in capable:
        if row.arm == "control":
            assert row.message.channel == sms_channel
            assert row.message.content["type"] == "text"
            assert "suggestions" not in row.message.content
            assert "Reply 1 for My balance" in row.message.content["text"]
        else:
            assert row.message.channel == rcs_channel
            assert row.message.content["suggestions"]


@pytest.mark.parametrize("share", [Decimal("0.51"), Decimal("-0.1"), "abc"])
def test_a_share_outside_0_to_half_is_refused(workspace, admin_user, reminder, rcs_channel, share):
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(
            workspace, admin_user, reminder, rcs_channel, [make_contact(workspace, 1)],
            control_share=share,
        )  # fmt: skip
    assert any(e.startswith("control_share:") for e in refused.value.errors)
    assert not Campaign.objects.exists()


def test_a_control_arm_needs_rcs_with_an_sms_fallback(workspace, admin_user, reminder, sms_channel):
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(
            workspace, admin_user, reminder, sms_channel, [make_contact(workspace, 1)],
            control_share=0.2,
        )  # fmt: skip
    assert refused.value.errors == [
        "control_share: a control arm needs an RCS channel with an SMS fallback"
    ]


def _api(user, workspace):
    return bearer_client(create_api_token(user, workspace, "t", scopes=["read", "send"])[1])


def test_the_api_takes_control_share_and_reports_the_experiment(
    workspace, manager, reminder, rcs_channel
):
    client = _api(manager, workspace)
    contact = make_contact(workspace, 1)
    body = {
        "name": "c",
        "template_id": reminder.pk,
        "channel_id": rcs_channel.pk,
        "audience": {"contact_ids": [contact.pk]},
        "control_share": 0.25,
        "attribution_hours": 48,
    }
    created = client.post("/api/v1/campaigns", body, content_type="application/json")
    assert created.status_code == 201, created.content
    got = client.get(f"/api/v1/campaigns/{created.json()['id']}").json()
    assert got["control_share"] == 0.25 and got["attribution_hours"] == 48
    experiment = got["experiment"]
    assert set(experiment["lift"]) == {"replied", "clicked", "converted"}
    assert set(experiment["lift"]["replied"]) >= {"ratio", "low", "high", "p_value"}
    assert experiment["sample_too_small"] is True
    assert set(experiment["control"]) == set(got["stats"]) == set(got["by_channel"]["rcs"])
    too_big = client.post(
        "/api/v1/campaigns", {**body, "control_share": 0.6}, content_type="application/json"
    )
    assert too_big.status_code == 422
    assert Campaign.objects.count() == 1


def test_the_page_form_takes_a_percentage(workspace, manager, reminder, rcs_channel):
    client = Client()
    client.force_login(manager)
    contact = make_contact(workspace, 1)
    response = client.post(
        "/w/acme/campaigns/new/",
        {
            "name": "Page",
            "template": reminder.pk,
            "channel": rcs_channel.pk,
            "audience": "contacts",
            "contact_ids": str(contact.pk),
            "control_percent": "20",
            "attribution_hours": "24",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.control_share == Decimal("0.20") and campaign.attribution_hours == 24
    page = client.get(f"/w/acme/campaigns/{campaign.pk}/")
    assert b'data-testid="campaign-experiment"' in page.content
    assert b'data-testid="experiment-too-small"' in page.content
