"""Registering a brand with Google, offline: the production client over real HTTP against
the sandbox's Business Communications API (pytest-django's live_server), from the brand
page through create, update, verification, launch and the states advancing on the
sandbox clock (moved by the test, never waited for)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from channels_rcs.brand import services as brand_services
from channels_rcs.brand.models import BrandRegistration, VerificationStatus
from channels_rcs.brand.registration import client as bc
from channels_rcs.brand.registration import services, wire
from channels_rcs.brand.tasks import REFRESH_BRAND_REGISTRATIONS, refresh_brand_registrations
from channels_rcs.sandbox import brand_store
from inbox.models import AuditEntry

from .brand_inputs import banner, logo, media_root, valid_data  # noqa: F401
from .conftest import make_rcs_channel

pytestmark = [pytest.mark.usefixtures("media_root")]

US = "/v1/regions/sandbox-us"
FI = "/v1/regions/sandbox-fi"
CONTACT = {
    "partner_name": "Inbox Partner Ltd",
    "partner_email": "partner@inbox.example",
    "brand_contact_name": "Ada Shoe",
    "brand_contact_title": "Head of Support",
    "brand_contact_email": "ada@acme.example",
    "brand_website": "https://acme.example",
}
QUESTIONNAIRE = {
    "contact_name": "Ada Shoe",
    "contact_title": "Head of Support",
    "contact_email": "ada@acme.example",
    "optin_description": "Customers opt in at checkout.",
    "trigger_description": "Order events.",
    "interactions_description": "Order updates; replies reach support.",
    "optout_description": "Reply STOP.",
    "agent_access_instructions": "Place an order on the test shop.",
}


@pytest.fixture
def live(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = make_rcs_channel(workspace)
    brand = brand_services.create_brand(workspace, valid_data(), logo=logo(), banner=banner())
    email = json.loads(channel.secrets["service_account_key"])["client_email"]
    return channel, brand, email


def page_urls(brand, slug="acme") -> dict:
    return {
        name: reverse(f"rcs_brand:{name}", args=[slug, brand.pk])
        for name in ("edit", "google-register", "google-verify", "google-launch", "google-refresh")
    }


def actions(workspace) -> list[str]:
    return list(
        AuditEntry.objects.filter(workspace=workspace, action__startswith="rcs_brand.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_whole_flow_from_the_brand_page(live, client, admin_user, workspace, settings):
    channel, brand, email = live
    client.force_login(admin_user)
    urls = page_urls(brand)

    # create: the brand, then its agent, at the sandbox
    response = client.post(
        urls["google-register"],
        {
            "channel": channel.pk,
            "billing_category": "CONVERSATIONAL",
            "agent_use_case": "MULTI_USE",
            "hosting_region": "EUROPE",
        },
    )
    assert response.status_code == 302
    registration = BrandRegistration.objects.get(brand=brand)
    assert registration.brand_name.startswith("brands/")
    assert registration.agent_name.startswith(registration.brand_name + "/agents/")
    assert registration.agent_id.endswith("_agent")
    assert registration.api_base_url == bc.sandbox_base_url()
    assert {r["name"] for r in registration.regions} >= {US, FI}
    partner = bc.Partner(registration.api_base_url, channel.secrets["service_account_key"])
    at_google = bc.get_agent(partner, registration.agent_name)
    rbm = at_google["rcsBusinessMessagingAgent"]
    assert at_google["displayName"] == "Acme Shoes"
    assert rbm["agentUseCase"] == "MULTI_USE" and rbm["hostingRegion"] == "EUROPE"
    assert rbm["billingConfig"] == {"billingCategory": "CONVERSATIONAL"}
    assert rbm["logoUri"].startswith(settings.PUBLIC_BASE_URL) and rbm["color"] == "#1A73E8"

    # update: the edited profile goes to the agent
    brand_services.update_brand(brand, valid_data(description="Now with live chat"))
    assert client.post(urls["google-register"]).status_code == 302
    assert (
        bc.get_agent(partner, registration.agent_name)["rcsBusinessMessagingAgent"]["description"]
        == "Now with live chat"
    )

    # verification, then launch in two regions, one of which the sandbox carrier rejects
    brand_store.set_controls(email, launch_outcomes={FI: wire.LAUNCH_REJECTED})
    assert client.post(urls["google-verify"], CONTACT).status_code == 302
    registration.refresh_from_db()
    brand.refresh_from_db()
    assert registration.verification_state == wire.VERIFICATION_PENDING
    assert brand.verification_status == VerificationStatus.PENDING
    assert (
        client.post(urls["google-launch"], {**QUESTIONNAIRE, "regions": [US, FI]}).status_code
        == 302
    )
    registration.refresh_from_db()
    assert {r: d["state"] for r, d in registration.launch_states.items()} == {
        US: wire.LAUNCH_PENDING,
        FI: wire.LAUNCH_PENDING,
    }
    assert registration.pending

    # nothing is due yet on the sandbox clock
    assert refresh_brand_registrations() == 1
    registration.refresh_from_db()
    assert registration.verification_state == wire.VERIFICATION_PENDING

    # verification is due: verified; launch waits for its own delay
    brand_store.advance_clock(email, 61)
    refresh_brand_registrations()
    registration.refresh_from_db()
    assert registration.verification_state == wire.VERIFICATION_VERIFIED
    assert registration.launch_states[US]["state"] == wire.LAUNCH_PENDING
    brand.refresh_from_db()
    assert brand.verification_status == VerificationStatus.VERIFIED

    # launch is due: "refresh now" from the page (htmx answers the panel)
    brand_store.advance_clock(email, 120)
    response = client.post(urls["google-refresh"], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    panel = response.content.decode()
    assert wire.LAUNCH_LAUNCHED in panel and wire.LAUNCH_REJECTED in panel
    registration.refresh_from_db()
    assert registration.launch_states[US]["state"] == wire.LAUNCH_LAUNCHED
    assert registration.launch_states[FI]["state"] == wire.LAUNCH_REJECTED
    assert "Rejected" in registration.launch_states[FI]["comment"]
    assert not registration.pending
    assert registration.launch_observed_at is not None

    # the page shows the states, their observed time and the history
    page = client.get(urls["edit"]).content.decode()
    assert wire.VERIFICATION_VERIFIED in page and wire.LAUNCH_LAUNCHED in page
    assert 'data-testid="state-history"' in page
    assert registration.launch_observed_at.strftime("%Y-%m-%d %H:%M") in page
    history = {(c.subject, c.state) for c in registration.state_changes.all()}
    assert {
        ("verification", wire.VERIFICATION_PENDING),
        ("verification", wire.VERIFICATION_VERIFIED),
        (US, wire.LAUNCH_PENDING),
        (US, wire.LAUNCH_LAUNCHED),
        (FI, wire.LAUNCH_REJECTED),
    } <= history

    # once verification was submitted, Google takes no more changes: refused before a call
    sent = len(brand_store.calls(email))
    with pytest.raises(services.RegistrationRefused) as refused:
        services.update_registration(registration, actor=admin_user)
    assert [v.rule for v in refused.value.violations] == ["agent.lockedAfterVerification"]
    assert len(brand_store.calls(email)) == sent

    # every change audited, the poll's as "system"
    assert actions(workspace) == [
        "rcs_brand.google_brand_created",
        "rcs_brand.google_agent_created",
        "rcs_brand.google_agent_updated",
        "rcs_brand.verification_requested",
        "rcs_brand.google_states_changed",
        "rcs_brand.launch_requested",
        "rcs_brand.google_states_changed",
        "rcs_brand.google_states_changed",
        "rcs_brand.google_states_changed",
    ]
    polled = AuditEntry.objects.filter(action="rcs_brand.google_states_changed").order_by("pk")
    assert polled[2].actor_label == "system"
    assert polled[3].actor_label == admin_user.username


def test_the_task_keeps_its_beat_name():
    from django.conf import settings

    assert refresh_brand_registrations.name == REFRESH_BRAND_REGISTRATIONS
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-rcs-brand-registrations"]
    assert entry["task"] == REFRESH_BRAND_REGISTRATIONS


def test_the_sandbox_keeps_each_partner_to_its_own(live, workspace):
    channel, brand, _email = live
    registration = services.register_brand(
        brand,
        actor=None,
        channel=channel,
        billing_category="CONVERSATIONAL",
        agent_use_case="TRANSACTIONAL",
        hosting_region="NORTH_AMERICA",
    )
    stranger = make_rcs_channel(workspace)
    partner = bc.Partner(registration.api_base_url, stranger.secrets["service_account_key"])
    for call in (
        lambda: bc.get_agent(partner, registration.agent_name),
        lambda: bc.get_verification(partner, registration.agent_name),
        lambda: bc.get_brand(partner, registration.brand_name),
    ):
        with pytest.raises(bc.ManagementError) as denied:
            call()
        assert denied.value.http_status == 403


def test_a_token_for_messaging_does_not_open_the_management_api(live):
    channel, _brand, _email = live
    from channels_rcs import auth

    token = auth.bearer_token(channel.secrets["service_account_key"])  # the RBM scope
    from inbox.http import shared_client

    response = shared_client().get(
        bc.sandbox_base_url() + "/v1/regions", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
