"""The whole loop in a real browser: a customer's SMS appears live, the agent replies, and
the reply's delivery status climbs live, with uvicorn, a Celery worker, PostgreSQL, Redis
and the Twilio sandbox all real and separate processes."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from channels_sms import sandbox
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

CUSTOMER = "+14155550123"
LIVE = 30_000  # ms: upper bound for a live update to show; the assertion is that it shows


def mark_page(page) -> None:
    """A flag that a reload or navigation would wipe: proves updates arrived in place."""
    page.evaluate("window.__sameDocument = true")


def assert_same_page(page) -> None:
    assert page.evaluate("window.__sameDocument === true")


def test_customer_sms_and_reply_status_update_live(
    asgi_server, celery_worker, sms_channel, agent, browser
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, asgi_server + "/", "alice", lands=asgi_server + "/w/acme/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    expect(page.get_by_test_id("conversation-row")).to_have_count(0)
    mark_page(page)

    # A customer texts in: signed webhook over HTTP into uvicorn, ingest, push, fragment.
    first = sandbox.simulate_inbound(sms_channel, CUSTOMER, "Hi, is my parcel coming today?")
    assert first.status_code == 200, first.response_text
    row = page.get_by_test_id("conversation-row")
    expect(row).to_have_count(1, timeout=LIVE)
    expect(row).to_contain_text("Hi, is my parcel coming today?")
    expect(row).to_contain_text(CUSTOMER)
    assert_same_page(page)

    row.get_by_role("link").click()
    page.wait_for_url("**/c/*/")
    expect(page.get_by_test_id("message")).to_have_count(1)
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    mark_page(page)

    # A second message lands in the open thread without a reload.
    second = sandbox.simulate_inbound(sms_channel, CUSTOMER, "Order 1042, by the way")
    assert second.status_code == 200, second.response_text
    inbound = page.locator('[data-testid="message"][data-direction="inbound"]')
    expect(inbound).to_have_count(2, timeout=LIVE)
    expect(inbound.last).to_contain_text("Order 1042, by the way")
    # Seen as it arrived: the open conversation is not flagged unread in the list.
    current = page.get_by_test_id("conversation-row")
    expect(current).to_contain_text("Order 1042, by the way", timeout=LIVE)
    expect(current.get_by_test_id("unread-count")).to_have_count(0, timeout=LIVE)

    # The agent replies; the worker sends it to the sandbox, whose status callbacks come
    # back through the webhook, and the row's status follows live.
    page.get_by_test_id("composer").get_by_role("textbox").fill("Yes, it arrives by 6pm!")
    page.get_by_test_id("send-button").click()
    outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
    expect(outbound).to_have_count(1, timeout=LIVE)
    expect(outbound).to_contain_text("Yes, it arrives by 6pm!")
    expect(outbound).to_have_attribute("data-status", "delivered", timeout=LIVE)
    expect(outbound.get_by_test_id("message-status")).to_contain_text("Delivered")
    expect(page.get_by_test_id("composer").get_by_role("textbox")).to_have_value("")
    assert_same_page(page)

    received = [m["body"] for m in sandbox.handset_messages(CUSTOMER)]
    assert "Yes, it arrives by 6pm!" in received
    page.screenshot(path=str(settings.DATA_DIR / "browser-inbox-1280.png"))

    # Phone width: one pane at a time; the open thread and its composer stay usable.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("send-button")).to_be_visible()
    expect(page.get_by_test_id("conversation-row")).to_be_hidden()
    # The thread's own way back to the list (the header's "Conversations" link is another).
    expect(page.get_by_role("link", name=re.compile(r"^←\s*Conversations$"))).to_be_visible()
    page.screenshot(path=str(settings.DATA_DIR / "browser-inbox-phone.png"))
