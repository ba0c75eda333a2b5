"""The RCS phone in a real browser against uvicorn and a Celery worker: the business's card
arrives with its chips, a tap answers the agent, and the phone reports the card as read."""

from __future__ import annotations

import os
import time

import pytest

from channels_rcs.sandbox import accounts, store
from inbox import services
from inbox.models import Message, MessageStatus
from tests.support.browser import off_loop, sign_in
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for a live update to show; the assertion is that it shows
CUSTOMER = "+14155550166"  # even last digit: RCS-capable in the sandbox

CARD = {
    "type": "card",
    "card": {
        "title": "Red roses",
        "description": "A dozen, hand-tied.",
        "media": {"url": "https://example.com/roses.jpg"},
        "suggestions": [
            {"type": "reply", "text": "Buy now", "postback": "buy_roses"},
            {"type": "open_url", "text": "See more", "url": "https://example.com/roses"},
        ],
    },
}


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = off_loop(predicate)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def _send_card(channel) -> str:
    inbound = eventually(
        lambda: Message.objects.filter(channel=channel, direction="inbound").first(),
        what="the inbound message",
    )
    reply = services.send_message(inbound.conversation, CARD)
    services.deliver(str(reply.id))  # the worker may get there first; either is fine
    return str(reply.id)


@pytest.fixture
def page(browser):
    return browser.new_page(viewport={"width": 1200, "height": 900})


@pytest.fixture
def rcs_business(asgi_server, live_settings, celery_worker, workspace):
    channel = services.create_channel(
        workspace, kind="rcs", name="Bloom Florists", config=accounts.channel_config()
    )
    # Nothing plays the handset but the page: its READ is the only one the agent gets.
    store.set_controls(channel.config["agent_id"], events="manual")
    yield channel
    store.reset(channel.config["agent_id"])


def test_a_card_arrives_a_chip_answers_and_the_phone_reads_it(
    asgi_server, rcs_business, agent, page
):
    from playwright.sync_api import expect

    phone_url = f"{asgi_server}/sandbox/phone/?number=%2B{CUSTOMER[1:]}&channel={rcs_business.pk}"
    sign_in(page, phone_url, "alice", lands=phone_url)
    expect(page.get_by_test_id("rcs-brand-header")).to_contain_text("Bloom Florists")
    page.get_by_test_id("phone-compose").fill("Do you have roses?")
    page.get_by_test_id("phone-send").click()
    sent = page.locator('[data-testid="phone-message"][data-direction="out"]')
    expect(sent.first).to_contain_text("Do you have roses?", timeout=LIVE)
    wait_for(lambda: Message.objects.filter(channel=rcs_business, direction="inbound").exists())

    reply_id = off_loop(_send_card, rcs_business)
    card = page.get_by_test_id("rcs-card")
    expect(card).to_contain_text("Red roses", timeout=LIVE)
    expect(card.locator("img")).to_have_attribute("src", "https://example.com/roses.jpg")
    see_more = card.get_by_test_id("rcs-chip").filter(has_text="See more")
    expect(see_more).to_have_attribute("href", "https://example.com/roses")
    expect(see_more).to_have_attribute("target", "_blank")

    # The phone showed the card, so it told the agent it was read.
    read = wait_for(lambda: Message.objects.filter(pk=reply_id, status=MessageStatus.READ).exists())
    assert read

    card.get_by_test_id("rcs-chip").filter(has_text="Buy now").click()
    expect(sent.last).to_contain_text("Buy now", timeout=LIVE)
    tapped = wait_for(
        lambda: Message.objects.filter(
            channel=rcs_business, direction="inbound", content__type="suggestion_response"
        ).first()
    )
    assert tapped.content["postback"] == "buy_roses"
    assert tapped.content["text"] == "Buy now"

    if os.environ.get("SIMULATOR_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SIMULATOR_SCREENSHOTS"], "rcs.png"))
