"""A manager's dashboard in real Chromium: the "now" tiles follow a customer's message live
(uvicorn, a Celery worker, PostgreSQL, Redis and the Twilio sandbox as separate processes),
and the page stays usable at phone width."""

from __future__ import annotations

import pytest

from channels_sms import sandbox
from tests.support.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

LIVE = 30_000


def test_now_tiles_follow_a_new_customer_live(
    asgi_server, celery_worker, sms_channel, workspace, manager, browser
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(
        page,
        asgi_server + "/accounts/login/?next=/w/acme/dashboards/",
        "mona",
        lands="**/w/acme/dashboards/",
    )

    expect(page.get_by_test_id("now-waiting")).to_have_text("0")
    expect(page.get_by_test_id("section-volume")).to_be_visible()
    # Each chart's legend names its series in words beside a small pattern swatch.
    legend = page.locator(".chart__legend li").first
    expect(legend).not_to_have_text("")
    swatch = legend.locator("svg").bounding_box()
    assert swatch is not None and swatch["width"] <= 20, f"legend swatch is {swatch}"
    text_right = page.evaluate(
        """() => { const li = document.querySelector('.chart__legend li');
                   const r = document.createRange(); r.selectNodeContents(li);
                   const rects = [...r.getClientRects()].filter(x => x.width > 0);
                   return Math.max(...rects.map(x => x.right)); }"""
    )
    assert text_right < 1280, f"legend text ends off-screen at {text_right}px"
    page.evaluate("window.__sameDocument = true")

    reply = sandbox.simulate_inbound(sms_channel, "+14155550199", "Is anyone there?")
    assert reply.status_code == 200, reply.response_text

    # The tile changes without a reload: the marker set on this document survives.
    expect(page.get_by_test_id("now-waiting")).to_have_text("1", timeout=LIVE)
    expect(page.get_by_test_id("now-unassigned")).to_have_text("1")
    assert page.evaluate("window.__sameDocument === true")

    # Phone width: the page reflows instead of scrolling sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("now-tiles")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at 390px"
    context.close()
