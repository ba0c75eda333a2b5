"""The funnel on the pages: the campaign page's chart, table and experiment, its CSV
(translated headers, workspace-scoped, managers only), the list's headline rates, and
the campaign badge on a reply in the thread."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from inbox.models import CampaignReply

from . import funnel_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(workspace, admin_user, rcs_channel, sms_channel, definitions):
    return funnel_history.build(workspace, admin_user, rcs_channel, sms_channel)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_campaign_page_shows_the_funnel_and_the_experiment(history, manager):
    page = logged_in(manager).get(f"/w/acme/campaigns/{history.campaign.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="campaign-funnel"' in html and 'data-testid="chart"' in html
    assert 'data-testid="reply-rate-rcs">60.0%' in html
    assert 'data-testid="reply-rate-sms">33.3%' in html
    assert 'data-testid="experiment-too-small"' in html
    assert "Too few recipients to tell" in html


def test_the_campaign_page_stays_a_fixed_number_of_queries(history, manager):
    client = logged_in(manager)
    url = f"/w/acme/campaigns/{history.campaign.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # Session, member, campaign, progress, the funnel's two, and for progress and the
    # funnel each their planner settings (a savepoint, the settings, its rollback):
    # none per recipient.
    assert len(queries) <= 17, [q["sql"][:80] for q in queries]


def test_the_csv_has_the_hand_counted_figures(history, manager):
    response = logged_in(manager).get(f"/w/acme/campaigns/{history.campaign.pk}/funnel.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["Step", "All", "% of all", "RCS", "% of RCS", "SMS", "% of SMS"]
    replied = next(r for r in rows if r and r[0] == "Replied")
    assert replied == ["Replied", "4", "50.0", "3", "60.0", "1", "33.3"]
    lift = next(r for r in rows if r and r[0] == "Replied" and r is not replied)
    assert lift[1:3] == ["0.5", "0.5"] and lift[-1] == "yes"


def test_the_csv_headers_are_translated(history, manager):
    client = logged_in(manager)
    with translation.override("es"):
        response = client.get(
            f"/w/acme/campaigns/{history.campaign.pk}/funnel.csv", HTTP_ACCEPT_LANGUAGE="es"
        )
    assert response.status_code == 200
    assert len(_csv(response)[0]) == 7  # the Spanish catalogue may or may not have them yet


def test_the_csv_is_scoped_and_role_checked(history, agent, outsider):
    url = f"/w/acme/campaigns/{history.campaign.pk}/funnel.csv"
    assert logged_in(agent).get(url).status_code == 403
    assert logged_in(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_the_list_shows_headline_rates(history, manager):
    html = logged_in(manager).get("/w/acme/campaigns/").content.decode()
    # 7 of 8 delivered, 4 replied, 4 clicked, 2 converted.
    assert 'data-rate="delivered">87.5%' in html
    assert 'data-rate="replied">50.0%' in html
    assert 'data-rate="clicked">50.0%' in html
    assert 'data-rate="converted">25.0%' in html


def test_a_reply_wears_the_campaign_badge_in_the_thread(history, agent):
    reply = CampaignReply.objects.filter(campaign=history.campaign).first()
    conversation = reply.message.conversation
    html = logged_in(agent).get(f"/w/acme/c/{conversation.pk}/").content.decode()
    assert 'data-testid="message-campaign"' in html
    assert history.campaign.name in html
    # Only the attributed messages wear it (c3's message before the send does not).
    before = CampaignReply.objects.filter(recipient__contact=history.contacts[2]).count()
    assert before == 0
