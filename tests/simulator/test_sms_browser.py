"""The simulator in a real browser against uvicorn: the customer texts, the reply shows up live."""

from __future__ import annotations

import os

import pytest

from channels_sms import sandbox
from inbox import services
from inbox.models import Conversation, Message
from tests.support.browser import off_loop, sign_in
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for a live update to show; the assertion is that it shows
CUSTOMER = "+14155550164"


def _reply_to_first_inbound(text: str) -> str:
    inbound = eventually(
        lambda: Message.objects.filter(direction="inbound").first(), what="the inbound message"
    )
    conversation = Conversation.objects.get(pk=inbound.conversation_id)
    reply = services.send_message(conversation, {"type": "text", "text": text})
    services.deliver(str(reply.id))
    return inbound.text


@pytest.fixture
def page(browser):
    return browser.new_page(viewport={"width": 1200, "height": 900})


@pytest.fixture
def business(asgi_server, live_settings, celery_worker, workspace):
    channel = services.create_channel(
        workspace, kind="sms", name="Acme Support", config=sandbox.channel_config("+14155550160")
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
    yield channel
    sandbox.reset(channel.config["account_sid"])


def test_text_the_business_and_see_the_reply_arrive(asgi_server, business, agent, page):
    from playwright.sync_api import expect

    # The phone plays the customer of the signed-in member's own workspaces.
    phone_url = f"{asgi_server}/sandbox/phone/"
    sign_in(page, phone_url, "alice", lands=phone_url)
    page.get_by_label("Your phone number").fill(CUSTOMER)
    page.get_by_label("Business").select_option(str(business.pk))
    page.get_by_test_id("phone-compose").fill("Is my parcel on its way?")
    page.get_by_test_id("phone-send").click()

    sent = page.locator('[data-testid="phone-message"][data-direction="out"]')
    sent.first.wait_for(timeout=LIVE)
    assert sent.first.inner_text().startswith("You:")  # labelled for screen readers
    assert "Is my parcel on its way?" in sent.first.inner_text()
    # Cleared once the inbox answered (the bubble itself may come first, from a poll).
    expect(page.get_by_test_id("phone-compose")).to_have_value("", timeout=LIVE)
    page.evaluate("window.__sameDocument = true")

    inbound = off_loop(_reply_to_first_inbound, "Yes, it arrives today.")
    assert inbound == "Is my parcel on its way?"

    received = page.locator('[data-testid="phone-message"][data-direction="in"]')
    received.first.wait_for(timeout=LIVE)
    assert "Yes, it arrives today." in received.first.inner_text()
    assert page.evaluate("window.__sameDocument === true")  # arrived in place, no reload
    assert f"number=%2B{CUSTOMER[1:]}" in page.url  # a reload reopens this conversation

    if os.environ.get("SIMULATOR_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SIMULATOR_SCREENSHOTS"], "desktop.png"))
        page.set_viewport_size({"width": 390, "height": 800})
        page.screenshot(path=os.path.join(os.environ["SIMULATOR_SCREENSHOTS"], "mobile.png"))


def test_an_invalid_number_shows_an_error_in_the_browser(asgi_server, business, agent, page):
    phone_url = f"{asgi_server}/sandbox/phone/?channel={business.pk}"
    sign_in(page, phone_url, "alice", lands=phone_url)
    page.get_by_label("Your phone number").fill("555-0199")
    page.get_by_test_id("phone-compose").fill("hello")
    page.get_by_test_id("phone-send").click()
    error = page.get_by_test_id("phone-error")
    error.wait_for(timeout=LIVE)
    assert "Start with + and the country code" in error.inner_text()
    assert page.get_by_test_id("phone-compose").input_value() == "hello"  # kept to retry
    assert not off_loop(Message.objects.exists)
