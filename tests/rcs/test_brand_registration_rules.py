"""Before anything is sent to Google: each rule refuses naming itself, with no call made;
credentials go only to Google's host or the enabled sandbox; the registration pages are
admin-only and scoped to their workspace."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from channels_rcs.brand import services as brand_services
from channels_rcs.brand.models import BrandRegistration
from channels_rcs.brand.registration import client as bc
from channels_rcs.brand.registration import services
from channels_rcs.sandbox import brand_store
from inbox.models import AuditEntry, Membership, Role

from .brand_inputs import banner, image_bytes, logo, media_root, valid_data  # noqa: F401
from .conftest import make_rcs_channel
from .test_brand_registration import CONTACT, QUESTIONNAIRE, US

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

CHOICES = {
    "billing_category": "CONVERSATIONAL",
    "agent_use_case": "OTP",
    "hosting_region": "EUROPE",
}


@pytest.fixture
def channel(workspace):
    return make_rcs_channel(workspace)


@pytest.fixture
def brand(workspace):
    return brand_services.create_brand(workspace, valid_data(), logo=logo(), banner=banner())


def email_of(channel) -> str:
    return json.loads(channel.secrets["service_account_key"])["client_email"]


def refused_rules(call) -> list[str]:
    with pytest.raises(services.RegistrationRefused) as refused:
        call()
    return [v.rule for v in refused.value.violations]


def _break(brand, change):
    """Store a profile the admin form could not have saved (a rule changed since, say)."""
    if change == "logo":
        brand.logo.save("logo.png", ContentFile(image_bytes((100, 100))), save=False)
    elif change == "banner":
        brand.banner.save(
            "banner.jpg",
            ContentFile(image_bytes((1440, 448), "JPEG", noise=True, quality=100)),
            save=False,
        )
    else:
        field, value = change
        setattr(brand, field, value)
    brand.save()


@pytest.mark.parametrize(
    "change, rule, says",
    [
        (("display_name", "A" * 41), "agent.displayName", "40"),
        (("description", "d" * 101), "agent.description", "100"),
        (("color", "#FFEB3B"), "agent.color.contrast", "4.5:1"),
        ("logo", "agent.logoUri.image", "224x224"),
        ("banner", "agent.heroUri.image", "200 KB"),
        (("phone_numbers", []), "agent.contacts", "at least one"),
        (("privacy_policy_url", ""), "agent.privacy", "required"),
        (("terms_url", "http://acme.example/terms"), "agent.termsConditions", "https"),
    ],
)
def test_each_profile_rule_refuses_by_name_before_any_call(
    brand, channel, admin_user, change, rule, says
):
    brand.websites, brand.emails = [], []
    brand.phone_numbers = [{"label": "Support", "value": "+14155550123"}]
    brand.save()
    _break(brand, change)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register_brand(brand, actor=admin_user, channel=channel, **CHOICES)
    [violation] = refused.value.violations
    assert violation.rule == rule and says in violation.message and rule in str(violation)
    assert brand_store.calls(email_of(channel)) == []
    assert not BrandRegistration.objects.filter(brand=brand).exists()
    assert not AuditEntry.objects.filter(action__startswith="rcs_brand.").exists()


def test_the_choices_made_at_creation_are_google_enum_values(brand, channel, admin_user):
    rules = refused_rules(
        lambda: services.register_brand(
            brand,
            actor=admin_user,
            channel=channel,
            billing_category="FREE",
            agent_use_case="SPAM",
            hosting_region="MARS",
        )
    )
    assert rules == ["agent.billingCategory", "agent.agentUseCase", "agent.hostingRegion"]
    assert brand_store.calls(email_of(channel)) == []


def test_images_google_fetches_must_be_public_https(brand, channel, admin_user, settings):
    # A channel on Google's real API: the logo and hero URLs go to Google, who fetches them.
    channel.api_base_url = "https://rcsbusinessmessaging.googleapis.com"
    channel.save()
    settings.PUBLIC_BASE_URL = "http://inbox.internal"
    rules = refused_rules(
        lambda: services.register_brand(brand, actor=admin_user, channel=channel, **CHOICES)
    )
    assert rules == ["agent.logoUri.public", "agent.heroUri.public"]


def registered(brand, channel, **extra) -> BrandRegistration:
    """A registration row as if created earlier (no call needed to test refusals)."""
    fields = {
        "api_base_url": bc.sandbox_base_url(),
        "brand_name": "brands/b1",
        "agent_name": "brands/b1/agents/acme_1_agent",
        "regions": [{"name": US, "displayName": "US", "managementType": "CARRIER_MANAGED"}],
        **CHOICES,
        **extra,
    }
    return BrandRegistration.objects.create(brand=brand, channel=channel, **fields)


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"brand_contact_title": ""}, "agentVerificationContact.brandContactTitle"),
        ({"partner_email": "partner"}, "agentVerificationContact.partnerEmailAddress.email"),
        (
            {"brand_website": "http://acme.example"},
            "agentVerificationContact.brandWebsiteUrl.https",
        ),
    ],
)
def test_verification_contact_rules(brand, channel, admin_user, change, rule):
    registration = registered(brand, channel)
    rules = refused_rules(
        lambda: services.submit_verification(
            registration, actor=admin_user, contact={**CONTACT, **change}
        )
    )
    assert rules == [rule]
    assert brand_store.calls(email_of(channel)) == []


@pytest.mark.parametrize(
    "regions, change, rule",
    [
        ([], {}, "launch.launchDetails"),
        (["/v1/regions/nowhere"], {}, "launch.launchDetails"),
        ([US], {"trigger_description": ""}, "questionnaire.triggerDescription"),
        ([US], {"contact_email": "ada"}, "questionnaire.contacts.email.email"),
    ],
)
def test_launch_rules(brand, channel, admin_user, regions, change, rule):
    registration = registered(brand, channel)
    rules = refused_rules(
        lambda: services.request_launch(
            registration,
            actor=admin_user,
            regions=regions,
            questionnaire={**QUESTIONNAIRE, **change},
        )
    )
    assert rules == [rule]
    assert brand_store.calls(email_of(channel)) == []


# --- where credentials go -------------------------------------------------------------------


def test_credentials_go_only_to_google_or_the_enabled_sandbox(brand, channel, admin_user, settings):
    assert bc.base_url_for("https://rcsbusinessmessaging.googleapis.com") == bc.GOOGLE_BASE_URL
    assert (
        bc.base_url_for("https://europe-rcsbusinessmessaging.googleapis.com") == bc.GOOGLE_BASE_URL
    )
    assert bc.base_url_for("https://rbm.attacker.example") == bc.GOOGLE_BASE_URL
    assert bc.base_url_for(channel.api_base_url) == bc.sandbox_base_url()

    # A row pointing elsewhere (tampered with, or an old sandbox address): no token is
    # fetched and nothing is sent.
    registration = registered(brand, channel, api_base_url="https://evil.example/bc")
    with pytest.raises(services.RegistrationFailed) as failed:
        services.refresh_registration(registration, actor=admin_user)
    assert "evil.example" in failed.value.reason
    assert brand_store.calls(email_of(channel)) == []

    settings.RCS_SANDBOX_ENABLED = False
    assert bc.base_url_problem(bc.sandbox_base_url()) is not None
    assert bc.base_url_problem(bc.GOOGLE_BASE_URL) is None


# --- who may ---------------------------------------------------------------------------------

ENDPOINTS = ("google-register", "google-verify", "google-launch", "google-refresh")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_agents_and_managers_get_403(client, agent, manager, brand, name):
    url = reverse(f"rcs_brand:{name}", args=["acme", brand.pk])
    for user in (agent, manager):
        client.force_login(user)
        assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("name", ENDPOINTS)
def test_another_workspace_gets_404(client, other_workspace, brand, name):
    other_admin = get_user_model().objects.create_user(username="olga", password="pw-olga")
    Membership.objects.create(workspace=other_workspace, user=other_admin, role=Role.ADMIN)
    client.force_login(other_admin)
    # an admin elsewhere: through their own workspace, and through ours
    own = reverse(f"rcs_brand:{name}", args=[other_workspace.slug, brand.pk])
    ours = reverse(f"rcs_brand:{name}", args=["acme", brand.pk])
    assert client.post(own, {}).status_code == 404
    assert client.post(ours, {}).status_code == 404


def test_another_workspaces_channel_cannot_lend_its_key(client, admin_user, brand, other_workspace):
    foreign = make_rcs_channel(other_workspace)
    client.force_login(admin_user)
    response = client.post(
        reverse("rcs_brand:google-register", args=["acme", brand.pk]),
        {"channel": foreign.pk, **CHOICES},
        follow=True,
    )
    assert response.status_code == 200
    assert "form.channel" in response.content.decode()
    assert not BrandRegistration.objects.filter(brand=brand).exists()
    assert brand_store.calls(email_of(foreign)) == []


def test_manual_status_is_refused_once_google_reports_it(client, admin_user, brand, channel):
    registered(brand, channel)
    client.force_login(admin_user)
    response = client.post(
        reverse("rcs_brand:verification", args=["acme", brand.pk]),
        {"verification_status": "verified"},
    )
    assert response.status_code == 400
