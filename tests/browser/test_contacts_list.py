"""A manager filters the contacts list by a typed attribute and a label in real Chromium,
then saves the filter as a segment and sees its live count."""

from __future__ import annotations

import pytest

from inbox.models import Segment
from inbox.services.contact_book import upsert_contact
from tests.support.browser import off_loop, sign_in
from workspace_settings.models import ContactAttributeDefinition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _setup(workspace):
    ContactAttributeDefinition.objects.create(
        workspace=workspace, key="balance", label="Balance", type="number"
    )
    for phone, name, balance, labels in (
        ("+34612345678", "Ana Owes", 12, ["vip"]),
        ("+34612345679", "Bea Paid", 0, ["vip"]),
        ("+34612345670", "Cid Owes", 3, []),
    ):
        upsert_contact(
            workspace,
            phone=phone,
            name=name,
            attributes={"balance": balance},
            labels=labels,
            source="api",
        )


def _segment():
    segment = Segment.objects.get()
    return segment.name, segment.filter


def test_filter_the_list_and_save_a_segment(
    asgi_server, live_settings, manager, workspace, browser
):
    from playwright.sync_api import expect

    off_loop(_setup, workspace)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, asgi_server + "/", "mona", lands=asgi_server + "/w/acme/")
    page.get_by_test_id("contacts-link").click()
    rows = page.get_by_test_id("contact-row")
    expect(rows).to_have_count(3)

    page.get_by_test_id("filter-attr").fill("balance:gt:0")
    page.get_by_test_id("filter-label").select_option(label="vip")
    page.get_by_test_id("apply-filters").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ana Owes")

    page.get_by_test_id("segment-name").fill("VIPs who owe")
    page.get_by_test_id("segment-save").click()
    expect(page.get_by_test_id("segment-list")).to_contain_text("VIPs who owe")
    expect(page.get_by_test_id("segment-count").first).to_have_text("1")
    expect(rows).to_have_count(1)
    name, document = off_loop(_segment)
    assert name == "VIPs who owe"
    assert document["attributes"] == [{"key": "balance", "op": "gt", "value": 0}]
