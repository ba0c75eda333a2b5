"""The campaigns pages: scope (another workspace 404), roles (agents 403), and a manager
going from the gallery to a launched campaign; the contact page lists what it received."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import Campaign, MessageTemplate
from inbox.services.campaigns import expansion

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def campaign(workspace, admin_user, reminder, sms_channel):
    return new_campaign(workspace, admin_user, reminder, sms_channel, [make_contact(workspace, 1)])


def _urls(campaign):
    base = "/w/acme"
    gets = [
        f"{base}/campaigns/",
        f"{base}/campaigns/{campaign.pk}/",
        f"{base}/templates/",
        f"{base}/templates/new/",
        f"{base}/templates/{campaign.template_id}/",
    ]
    posts = [
        f"{base}/campaigns/new/",
        f"{base}/campaigns/{campaign.pk}/launch/",
        f"{base}/templates/gallery/",
    ]
    return gets, posts


def test_another_workspace_gets_404_everywhere(outsider, campaign):
    client = logged_in(outsider)
    gets, posts = _urls(campaign)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"use_case": "one_time_code"}).status_code == 404, url
    assert Campaign.objects.get().status == "draft"


def test_an_agent_gets_403(agent, campaign):
    client = logged_in(agent)
    gets, posts = _urls(campaign)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"use_case": "one_time_code"}).status_code == 403, url


def test_a_campaign_of_another_workspace_is_404_from_mine(manager, other_workspace, campaign):
    from inbox.models import Membership

    Membership.objects.create(workspace=other_workspace, user=manager, role="manager")
    client = logged_in(manager)
    assert client.get(f"/w/{other_workspace.slug}/campaigns/{campaign.pk}/").status_code == 404
    response = client.get(f"/w/{other_workspace.slug}/templates/{campaign.template_id}/")
    assert response.status_code == 404


def test_from_the_gallery_to_a_launched_campaign(manager, workspace, sms_channel, definitions):
    client = logged_in(manager)
    response = client.post("/w/acme/templates/gallery/", {"use_case": "order_update"})
    template = MessageTemplate.objects.get()
    # The gallery opens the new template in the editor, its phones drawn.
    assert response.status_code == 302 and response.url == f"/w/acme/templates/{template.pk}/build/"
    page = client.get(response.url)
    assert page.status_code == 200 and "Reply 1 for Talk to an agent" in page.text
    assert "1 segment" in page.text
    as_json = f"/w/acme/templates/{template.pk}/"  # the JSON editor stays beside it
    bad = client.post(as_json, {"name": "x", "use_case": "other", "content": "{"})
    assert bad.status_code == 422 and "content: not valid JSON" in bad.text
    content = '{"type": "text", "text": "Hi {{first_name}}, {{balance}} due"}'
    saved = client.post(as_json, {"name": "Due", "use_case": "other", "content": content})
    assert saved.status_code == 302
    contact = make_contact(workspace, 2)
    created = client.post(
        "/w/acme/campaigns/new/",
        {
            "name": "Due soon",
            "template": template.pk,
            "channel": sms_channel.pk,
            "audience": "contacts",
            "contact_ids": str(contact.pk),
        },
    )
    campaign = Campaign.objects.get()
    assert created.status_code == 302 and created.url == f"/w/acme/campaigns/{campaign.pk}/"
    detail = client.get(created.url)
    assert "would receive it" in detail.text and "Hi Ana, 12 due" in detail.text
    assert client.post(f"/w/acme/campaigns/{campaign.pk}/launch/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "running"
    expansion.run_expansion(campaign.pk)
    contact_page = client.get(f"/w/acme/contacts/{contact.pk}/")
    assert "Due soon" in contact_page.text and "Queued" in contact_page.text


def test_a_refused_campaign_shows_why(manager, reminder, sms_channel):
    client = logged_in(manager)
    response = client.post(
        "/w/acme/campaigns/new/",
        {
            "name": "x",
            "template": reminder.pk,
            "channel": sms_channel.pk,
            "audience": "label",
            "label": "nobody",
        },
        follow=True,
    )
    assert "audience.label: no such label" in response.text
    assert not Campaign.objects.exists()


def test_the_preview_names_each_exclusion(manager, campaign, sms_channel):
    from inbox.services.consent import record_consent

    contact = campaign.workspace.contacts.get()
    phone = contact.identities.get().value
    record_consent(sms_channel, phone, opted_out=True, source="keyword", keyword="STOP")
    page = logged_in(manager).get(f"/w/acme/campaigns/{campaign.pk}/")
    assert "Opted out: 1" in page.text
