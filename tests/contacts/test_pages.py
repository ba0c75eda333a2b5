"""The contacts pages: scope (another workspace 404), roles (403), filters, bulk labels,
the CSV export, segments and the contact page."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from inbox.models import Label, Segment
from inbox.services.contact_book import upsert_contact

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ana(workspace, definitions):
    contact, _ = upsert_contact(
        workspace,
        phone="+34612345678",
        name="Ana",
        labels=["vip"],
        attributes={"balance": 10},
        source="api",
    )
    return contact


@pytest.fixture
def bob(workspace, definitions):
    contact, _ = upsert_contact(
        workspace, phone="+525512345678", name="=cmd()", attributes={"balance": 0}, source="api"
    )
    return contact


def test_another_workspace_gets_404_everywhere(outsider, ana):
    client = logged_in(outsider)
    segment = Segment.objects.create(workspace=ana.workspace, name="All", filter={})
    for url in (
        "/w/acme/contacts/",
        f"/w/acme/contacts/{ana.pk}/",
        "/w/acme/contacts/export.csv",
        f"/w/acme/contacts/segments/{segment.pk}/count/",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/w/acme/contacts/labels/", "/w/acme/contacts/segments/"):
        assert client.post(url, {"label": 1, "name": "x"}).status_code == 404, url


def test_a_contact_of_another_workspace_is_404_from_mine(outsider, other_workspace, agent, ana):
    theirs, _ = upsert_contact(other_workspace, phone="+34612345679", source="api")
    assert logged_in(agent).get(f"/w/acme/contacts/{theirs.pk}/").status_code == 404


def test_agents_see_and_label_but_export_and_segments_are_managers(agent, manager, ana):
    client = logged_in(agent)
    assert client.get("/w/acme/contacts/").status_code == 200
    assert client.get("/w/acme/contacts/export.csv").status_code == 403
    assert client.post("/w/acme/contacts/segments/", {"name": "x"}).status_code == 403
    assert logged_in(manager).get("/w/acme/contacts/export.csv").status_code == 200


def test_the_list_filters_by_attribute_and_label(agent, ana, bob):
    page = logged_in(agent).get("/w/acme/contacts/", {"attr": "balance:gt:0"}).content.decode()
    assert "Ana" in page and "=cmd()" not in page
    vip = Label.objects.get(name="vip")
    page = logged_in(agent).get("/w/acme/contacts/", {"label": vip.pk}).content.decode()
    assert "Ana" in page and "=cmd()" not in page
    bad = logged_in(agent).get("/w/acme/contacts/", {"attr": "nope:gt:1"})
    assert bad.status_code == 422 and "no such contact attribute" in bad.content.decode()


def test_the_list_marks_contacts_opted_out_on_a_channel_of_this_workspace(
    agent, ana, bob, sms_channel, other_workspace
):
    from channels_sms import sandbox
    from inbox.services import consent as consent_ledger
    from inbox.services import create_channel

    theirs = create_channel(
        other_workspace, kind="sms", name="Theirs", config=sandbox.channel_config("+14155550199")
    )
    consent_ledger.record_consent(theirs, "+525512345678", opted_out=True, source="keyword")
    consent_ledger.record_consent(sms_channel, "+34612345678", opted_out=True, source="keyword")
    page = logged_in(agent).get("/w/acme/contacts/").content.decode()
    cells = [row.split("</tr>")[0] for row in page.split('data-testid="contact-row"')[1:]]
    rows = {name: next(row for row in cells if name in row) for name in ("Ana", "=cmd()")}
    assert "opted out" in rows["Ana"]
    assert "opted out" not in rows["=cmd()"]  # opted out only in another workspace


def test_bulk_label_on_everything_the_filter_matches(agent, ana, bob):
    late = Label.objects.create(workspace=ana.workspace, name="late")
    answer = logged_in(agent).post(
        "/w/acme/contacts/labels/?attr=balance:lte:0",
        {"label": late.pk, "scope": "all", "action": "add"},
    )
    assert answer.status_code == 302
    assert list(late.contacts.values_list("name", flat=True)) == ["=cmd()"]
    logged_in(agent).post(
        "/w/acme/contacts/labels/", {"label": late.pk, "contact": [bob.pk], "action": "remove"}
    )
    assert not late.contacts.exists()


def test_export_neutralizes_formulas(manager, ana, bob):
    answer = logged_in(manager).get("/w/acme/contacts/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0][:3] == ["id", "name", "phone"]
    by_name = {row[1]: row for row in rows[1:]}
    assert "'=cmd()" in by_name and by_name["Ana"][2] == "'+34612345678"


def test_save_a_segment_from_the_current_filter(manager, ana, bob):
    client = logged_in(manager)
    answer = client.post("/w/acme/contacts/segments/?attr=balance:gt:0", {"name": "Owes"})
    segment = Segment.objects.get(name="Owes")
    assert answer.status_code == 302 and f"segment={segment.pk}" in answer["Location"]
    assert segment.filter == {"attributes": [{"key": "balance", "op": "gt", "value": 0}]}
    count = client.get(f"/w/acme/contacts/segments/{segment.pk}/count/")
    assert count.content == b"1"


def test_the_contact_page(agent, ana):
    page = logged_in(agent).get(f"/w/acme/contacts/{ana.pk}/").content.decode()
    for text in ("+34612345678", "vip", "Balance", "Campaigns received", "Not checked yet."):
        assert text in page
