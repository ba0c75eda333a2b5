"""/r/<code>: the text version's links are tracked per recipient, the redirect goes only
where the template said, a click is counted, and an unknown code is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inbox.models import CampaignRecipient, Message, TrackedLink
from inbox.selectors.campaign_funnel_report import funnel_report
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.templates.save import save_template

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(workspace, admin_user, sms_channel, definitions, settings):
    settings.PUBLIC_BASE_URL = "https://inbox.example.com"
    template = save_template(
        workspace=workspace,
        actor=admin_user,
        name="Links",
        content={
            "type": "text",
            "text": "Pay at https://pay.example.com/a?x=1. Or https://b.example.com",
        },
    )
    contacts = [make_contact(workspace, n) for n in (1, 2)]
    campaign = new_campaign(workspace, admin_user, template, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    expansion.run_expansion(campaign.pk)
    return campaign


def test_one_code_per_recipient_and_url_in_the_text(campaign):
    links = TrackedLink.objects.filter(campaign=campaign)
    assert links.count() == 4
    assert {link.url for link in links} == {
        "https://pay.example.com/a?x=1",
        "https://b.example.com",
    }
    for row in CampaignRecipient.objects.filter(campaign=campaign).select_related("message"):
        code = dict(TrackedLink.objects.filter(recipient=row).values_list("url", "code"))
        # The sentence's full stop stays outside the link; the URL's query stays inside.
        assert row.message.content["text"] == (
            f"Pay at https://inbox.example.com/r/{code['https://pay.example.com/a?x=1']}. "
            f"Or https://inbox.example.com/r/{code['https://b.example.com']}"
        )


def test_a_click_redirects_to_the_template_url_and_counts(campaign):
    link = TrackedLink.objects.filter(campaign=campaign, url__startswith="https://pay").first()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/r/{link.code}?next=https://evil.example.com")
    assert response.status_code == 302
    assert response["Location"] == "https://pay.example.com/a?x=1"
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 1  # one UPDATE ... RETURNING: cheap
    client.get(f"/r/{link.code}")
    link.refresh_from_db()
    assert link.clicks == 2 and link.first_clicked_at is not None
    assert funnel_report(campaign)["stats"]["clicked"] == 1


@pytest.mark.parametrize(
    "code", ["AAAAAAAAAA", "short", "x" * 40, "../../etc", "%2F%2Fevil.example.com"]
)
def test_an_unknown_code_is_a_404_and_never_a_redirect(campaign, code):
    response = Client().get(f"/r/{code}")
    assert response.status_code == 404
    assert "Location" not in response
    assert not TrackedLink.objects.filter(clicks__gt=0).exists()


def test_a_post_is_refused(campaign):
    link = TrackedLink.objects.filter(campaign=campaign).first()
    assert Client().post(f"/r/{link.code}").status_code == 405
    link.refresh_from_db()
    assert link.clicks == 0


def test_text_without_links_writes_none(workspace, admin_user, reminder, sms_channel):
    campaign = new_campaign(
        workspace, admin_user, reminder, sms_channel, [make_contact(workspace, 1)]
    )
    launch_campaign(campaign=campaign, actor=admin_user)
    expansion.run_expansion(campaign.pk)
    assert Message.objects.count() == 1
    # The reminder's open_url chip is numbered text with its URL over SMS: tracked too.
    for link in TrackedLink.objects.all():
        assert link.url == "https://pay.example.com/"
