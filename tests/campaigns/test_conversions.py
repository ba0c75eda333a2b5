"""Conversions: one per recipient, through the service, the API and a chip postback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inbox.models import CampaignConversion, Membership
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.conversions import ConversionRejected, record_conversion
from inbox.services.tokens import create_api_token
from tests.api.conftest import bearer_client

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(workspace, admin_user, reminder, sms_channel):
    """A launched campaign to c1 and c2; c3 is excluded (no balance); c4 not in it."""
    contacts = [make_contact(workspace, n) for n in (1, 2)]
    contacts.append(make_contact(workspace, 3, due_date="2027-01-15"))
    contacts.append(make_contact(workspace, 4))
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts[:3])
    launch_campaign(campaign=campaign, actor=admin_user)
    expansion.run_expansion(campaign.pk)
    return campaign, contacts


def test_once_per_recipient_whatever_the_repeats(sent):
    campaign, contacts = sent
    first, created = record_conversion(campaign, contacts[0], value=Decimal("12.5"))
    assert created and first.value == Decimal("12.50") and first.source == "api"
    again, created = record_conversion(campaign, contacts[0], value=99, source="automation")
    assert not created and again.pk == first.pk and again.value == Decimal("12.50")
    assert CampaignConversion.objects.filter(campaign=campaign).count() == 1


@pytest.mark.parametrize("who", [2, 3])  # excluded; never in the audience
def test_a_contact_the_campaign_did_not_send_to_is_refused(sent, who):
    campaign, contacts = sent
    with pytest.raises(ConversionRejected):
        record_conversion(campaign, contacts[who])
    assert not CampaignConversion.objects.exists()


@pytest.mark.parametrize("value", [-1, "abc", float("nan"), Decimal("1e15")])
def test_a_bad_value_is_refused(sent, value):
    campaign, contacts = sent
    with pytest.raises(ConversionRejected):
        record_conversion(campaign, contacts[0], value=value)
    assert not CampaignConversion.objects.exists()


def _api(user, workspace, scopes=("read", "send")):
    return bearer_client(create_api_token(user, workspace, "t", scopes=list(scopes))[1])


def _post(client, campaign, body):
    return client.post(
        f"/api/v1/campaigns/{campaign.pk}/conversions", body, content_type="application/json"
    )


def test_the_api_answers_201_then_200(sent, manager, workspace):
    campaign, contacts = sent
    client = _api(manager, workspace)
    first = _post(client, campaign, {"phone": "+14155550001", "value": 30})
    assert first.status_code == 201, first.content
    assert first.json()["contact_id"] == contacts[0].pk and first.json()["value"] == "30.00"
    by_id = _post(client, campaign, {"contact_id": contacts[0].pk})
    assert by_id.status_code == 200 and by_id.json()["id"] == first.json()["id"]
    # The same number written another way is the same recipient.
    assert _post(client, campaign, {"phone": "+1 (415) 555-0001"}).status_code == 200
    stats = client.get(f"/api/v1/campaigns/{campaign.pk}").json()["stats"]
    assert stats["converted"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"phone": "+14155550001", "contact_id": 1},
        {"phone": "not a number"},
        {"phone": "+14155550004"},  # in the workspace, not a recipient
        {"phone": "+14155550003"},  # excluded
        {"phone": "+14155550001", "value": -5},
    ],
)
def test_the_api_refuses_with_422_and_writes_nothing(sent, manager, workspace, body):
    campaign, _contacts = sent
    response = _post(_api(manager, workspace), campaign, body)
    assert response.status_code == 422, response.content
    assert not CampaignConversion.objects.exists()


def test_roles_scopes_and_tenants(sent, agent, manager, workspace, outsider, other_workspace):
    campaign, _contacts = sent
    body = {"phone": "+14155550001"}
    assert _post(_api(agent, workspace), campaign, body).status_code == 403
    assert _post(_api(manager, workspace, ("read",)), campaign, body).status_code == 403
    Membership.objects.filter(user=outsider).update(role="manager")
    assert _post(_api(outsider, other_workspace), campaign, body).status_code == 404
    assert not CampaignConversion.objects.exists()
