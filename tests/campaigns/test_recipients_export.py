"""The per-recipient CSV: one line per contact of the campaign, the same facts the
funnel counts (so the two add up), streamed in keyset pages, managers only."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from inbox.selectors.campaign_funnel_report import funnel_report
from inbox.selectors.campaign_recipient_rows import recipient_rows

from . import funnel_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(workspace, admin_user, rcs_channel, sms_channel, definitions):
    return funnel_history.build(workspace, admin_user, rcs_channel, sms_channel)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _lines(history, user, **headers) -> list[dict[str, str]]:
    url = f"/w/acme/campaigns/{history.campaign.pk}/recipients.csv"
    response = _client(user).get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_one_line_per_recipient_with_what_happened_to_it(history, manager):
    lines = _lines(history, manager)
    by_contact = {int(line["Contact ID"]): line for line in lines}
    c = [contact.pk for contact in history.contacts]
    assert sorted(by_contact) == sorted(c)  # excluded ones too
    c1 = by_contact[c[0]]
    assert (c1["Arm"], c1["Channel"], c1["Status"]) == ("RCS (treatment)", "RCS", "Read")
    assert c1["First reply at"] and c1["Clicked"] == "yes" and c1["Converted"] == "yes"
    c4 = by_contact[c[3]]
    assert c4["Status"] == "Failed" and not c4["Sent at"] and not c4["First reply at"]
    c6 = by_contact[c[5]]
    assert (c6["Arm"], c6["Channel"], c6["Opted out"]) == ("SMS (control)", "SMS", "yes")
    c8 = by_contact[c[7]]
    assert (c8["Channel"], c8["Fell back to SMS"], c8["Arm"]) == ("SMS", "yes", "")
    assert by_contact[c[8]]["Excluded"] == "Opted out" and not by_contact[c[8]]["Status"]
    assert by_contact[c[9]]["Excluded"] == "A placeholder value is missing"


def test_the_lines_add_up_to_the_funnel(history, manager):
    lines = _lines(history, manager)
    stats = funnel_report(history.campaign)["stats"]
    assert sum(1 for line in lines if line["First reply at"]) == stats["replied"]
    assert sum(1 for line in lines if line["Clicked"] == "yes") == stats["clicked"]
    assert sum(1 for line in lines if line["Converted"] == "yes") == stats["converted"]
    assert sum(1 for line in lines if line["Excluded"]) == stats["excluded"]
    assert sum(1 for line in lines if line["Opted out"] == "yes") == stats["opted_out"]


def test_small_pages_give_the_same_rows(history):
    whole = list(recipient_rows(history.campaign))
    paged = list(recipient_rows(history.campaign, page=3))  # 10 recipients: 4 pages
    assert paged == whole and len(whole) == 10
    assert [r.recipient_id for r in paged] == sorted(r.recipient_id for r in paged)


def test_one_statement_per_page_whatever_the_recipients(history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = list(recipient_rows(history.campaign, page=3))
    pages = len(rows) // 3 + 1  # 10 recipients, 3 a page: 4 statements
    assert len(queries) <= pages + 1, [q["sql"][:80] for q in queries]  # + the channels


def test_headers_and_labels_in_the_readers_language(history, manager):
    lines = _lines(history, manager, HTTP_ACCEPT_LANGUAGE="es")
    assert "ID de contacto" in lines[0] and "Respondió por primera vez el" in lines[0]
    assert {line["Convirtieron"] for line in lines} == {"sí", "no"}


def test_scoped_and_role_checked(history, agent, outsider):
    url = f"/w/acme/campaigns/{history.campaign.pk}/recipients.csv"
    assert _client(agent).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302
