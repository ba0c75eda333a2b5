"""The composer in a real browser: the segment counter follows the agent's typing live,
and Enter sends (Shift+Enter is a new line), against uvicorn, a Celery worker, PostgreSQL,
Redis and the Twilio sandbox as separate processes."""

from __future__ import annotations

import pytest
from django.conf import settings

from channels_sms import sandbox
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

CUSTOMER = "+14155550126"
LIVE = 30_000  # ms: upper bound for an update to show; the assertion is that it shows


def test_segment_counter_follows_typing_and_enter_sends(
    asgi_server, celery_worker, sms_channel, agent, browser
):
    from playwright.sync_api import expect

    first = sandbox.simulate_inbound(sms_channel, CUSTOMER, "Can I change my address?")
    assert first.status_code == 200, first.response_text
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, asgi_server + "/", "alice", lands=asgi_server + "/w/acme/")
    page.get_by_test_id("conversation-row").get_by_role("link").click()
    page.wait_for_url("**/c/*/")

    counter = page.get_by_test_id("segment-counter")
    box = page.locator("#composer-text")
    expect(counter).to_have_text("0 segments · GSM-7 · 0 characters")
    page.evaluate("window.__sameDocument = true")

    # Typed key by key, as an agent does: the counter follows without a submit.
    box.press_sequentially("a" * 160)
    expect(counter).to_have_text("1 segment · GSM-7 · 160 characters", timeout=LIVE)
    box.press("a")
    expect(counter).to_have_text("2 segments · GSM-7 · 161 characters", timeout=LIVE)
    expect(counter).to_have_attribute("data-segments", "2")
    box.press_sequentially("ç")
    expect(counter).to_have_text("3 segments · UCS-2 because of ‘ç’", timeout=LIVE)
    expect(counter).to_have_attribute("data-encoding", "UCS-2")
    page.keyboard.press("Backspace")
    expect(counter).to_have_text("2 segments · GSM-7 · 161 characters", timeout=LIVE)

    # Quick-reply chips: the preview shows the numbered options an SMS phone gets.
    box.fill("Shall we deliver on Monday?")
    page.get_by_text("Quick replies").click()
    page.get_by_label("Quick reply 1").fill("Yes")
    page.get_by_label("Quick reply 2").fill("No")
    rendering = page.get_by_test_id("text-rendering")
    expect(rendering).to_contain_text("Reply 1 for Yes, 2 for No", timeout=LIVE)
    page.screenshot(path=str(settings.DATA_DIR / "browser-composer-chips.png"))
    page.get_by_label("Quick reply 1").fill("")
    page.get_by_label("Quick reply 2").fill("")
    expect(rendering).to_have_count(0, timeout=LIVE)

    # Shift+Enter is a new line; Enter sends.
    box.fill("")
    box.press_sequentially("See you")
    box.press("Shift+Enter")
    box.press_sequentially("tomorrow")
    expect(box).to_have_value("See you\ntomorrow")
    box.press("Enter")
    outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
    expect(outbound).to_have_count(1, timeout=LIVE)
    expect(outbound).to_contain_text("See you")
    expect(outbound).to_have_attribute("data-status", "delivered", timeout=LIVE)
    expect(page.locator("#composer-text")).to_have_value("")
    expect(page.get_by_test_id("segment-counter")).to_have_text("0 segments · GSM-7 · 0 characters")
    assert page.evaluate("window.__sameDocument === true")
    received = [m["body"] for m in sandbox.handset_messages(CUSTOMER)]
    assert "See you\ntomorrow" in received
    page.screenshot(path=str(settings.DATA_DIR / "browser-composer.png"))
