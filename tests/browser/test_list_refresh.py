"""A live refresh of the conversation list keeps the rows "Load more" added (live_socket.js
sends the last shown row's cursor; the server returns every row down to it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Contact, Conversation
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for a live update to show; the assertion is that it shows
PAGE = 50  # inbox.selectors.conversation_list.LIST_LIMIT, in the server process


def _conversations(workspace, channel, n: int, start: int = 0) -> list[int]:
    now = timezone.now()
    made = []
    for i in range(start, start + n):
        contact = Contact.objects.create(workspace=workspace, name=f"Customer {i:03d}")
        made.append(
            Conversation.objects.create(
                workspace=workspace,
                contact=contact,
                channel=channel,
                last_message_at=now - timedelta(minutes=i + 1),
                last_message_preview=f"message {i}",
            ).pk
        )
    return made


def test_live_refresh_keeps_the_rows_load_more_added(
    asgi_server, sms_channel, agent, workspace, browser
):
    from playwright.sync_api import expect

    off_loop(_conversations, workspace, sms_channel, PAGE + 10)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, asgi_server + "/", "alice", lands=asgi_server + "/w/acme/")
    # Connected first, and the list settled: connecting fires a resync and the agent's
    # own presence event a list refresh, each re-fetching the first page; a click while
    # one is in flight waits for it and is dropped with the button it replaced.
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(PAGE)
    page.wait_for_timeout(1500)

    page.get_by_test_id("load-more").click()
    expect(rows).to_have_count(PAGE + 10)
    expect(page.get_by_test_id("load-more")).to_have_count(0)

    # A new conversation arrives: the list re-fetches (the event the websocket client
    # fires for any workspace event) and shows it on top, with every loaded row kept.
    off_loop(_conversations, workspace, sms_channel, 1, start=-1)
    with page.expect_response(lambda r: "through=" in r.url and "/fragments/" in r.url):
        page.evaluate("document.body.dispatchEvent(new CustomEvent('inbox:list-changed'))")
    expect(rows).to_have_count(PAGE + 11, timeout=LIVE)
    expect(rows.first).to_contain_text("Customer -01")
    expect(rows.last).to_contain_text(f"Customer {PAGE + 9:03d}")


def test_live_refresh_leaves_extended_search_results_as_loaded(
    asgi_server, sms_channel, agent, workspace, browser
):
    """Search results have no `through` position (newest match first, bounded reads):
    once the agent has loaded more than a page, a live event does not replace them with
    the first page; a result list of one page still refreshes."""
    from playwright.sync_api import expect

    off_loop(_conversations, workspace, sms_channel, PAGE + 10)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, asgi_server + "/", "alice", lands=asgi_server + "/w/acme/")
    page.goto(asgi_server + "/w/acme/?q=Customer")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(PAGE)
    page.wait_for_timeout(1500)
    refresh = "document.body.dispatchEvent(new CustomEvent('inbox:list-changed'))"
    # One page of results refreshes as ever: resolved once the new list has settled, so
    # the click below meets the new button.
    page.evaluate(
        """() => new Promise((settled) => {
          document.body.addEventListener("htmx:afterSettle", (event) => {
            if (event.target.id === "conversation-list") settled();
          });
          document.body.dispatchEvent(new CustomEvent("inbox:list-changed"));
        })"""
    )

    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/fragments/" in r.url else None)
    page.get_by_test_id("load-more").click()
    expect(rows).to_have_count(PAGE + 10)
    page.wait_for_timeout(500)
    fetched.clear()
    off_loop(_conversations, workspace, sms_channel, 1, start=-1)
    page.evaluate(refresh)
    page.wait_for_timeout(1000)  # past the trigger's 300 ms delay: no fetch was made
    assert fetched == []
    expect(rows).to_have_count(PAGE + 10)
    expect(rows.last).to_contain_text(f"Customer {PAGE + 9:03d}")
