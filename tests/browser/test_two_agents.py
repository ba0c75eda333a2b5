"""Two agents and the customer's phone, each in its own browser context, against uvicorn, a
Celery worker, PostgreSQL, Redis and the RBM sandbox, all real and separate processes.

The headline collision-detection story: the customer texts, the conversation appears for
both agents live; Bob (mona) is told that Alice is viewing and then typing a reply, while
the customer's phone shows the brand typing; Alice's reply climbs sent -> delivered -> read
on both agents' screens; resolving it takes it out of both Open lists. And a tab whose
socket dropped says so, then catches up from the database on reconnect.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from channels_rcs.sandbox import accounts, events, store
from inbox import services
from inbox.models import Message
from tests.support.browser import off_loop, sign_in
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for a live update to show; the assertion is that it shows
CUSTOMER = "+14155550188"  # even last digit: RCS-capable in the sandbox
VIEWPORT = {"width": 1280, "height": 800}

# Every WebSocket the page opens is remembered, and `__blockSockets` makes new ones fail
# as a dead network would, so a test can drop the link and hold it down.
SOCKET_CONTROL = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockSockets = false;
  function Tracked(url, protocols) {
    const target = window.__blockSockets ? "ws://127.0.0.1:9/blocked" : url;
    const ws = protocols === undefined ? new Native(target) : new Native(target, protocols);
    window.__sockets.push(ws);
    // What the socket went through, for a failing test's report (see live()).
    const t0 = Date.now();
    ws.addEventListener("open", () => console.log(`socket open ${target} +${Date.now() - t0}ms`));
    ws.addEventListener("close", (e) =>
      console.log(`socket closed ${target} code=${e.code} +${Date.now() - t0}ms`));
    return ws;
  }
  Tracked.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach((k) => { Tracked[k] = Native[k]; });
  window.WebSocket = Tracked;
})();
"""


def screenshots_dir() -> Path | None:
    """DOCS_SCREENSHOTS=docs writes the README's pictures from a real run."""
    target = os.environ.get("DOCS_SCREENSHOTS")
    return Path(target) if target else None


def log_in(browser, base: str, username: str):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(SOCKET_CONTROL)
    page = context.new_page()
    page.console_lines = []
    page.on("console", lambda m: page.console_lines.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.console_lines.append(f"page error: {e}"))
    sign_in(page, base + "/", username, lands=base + "/w/acme/")
    return page


def live(page) -> None:
    from playwright.sync_api import expect

    try:
        expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    except AssertionError as exc:
        console = "\n".join(getattr(page, "console_lines", [])[-40:])
        raise AssertionError(f"{exc}\nthe page's console, last lines:\n{console}") from None


def mark_page(page) -> None:
    """A flag that a reload or navigation would wipe: proves updates arrived in place."""
    page.evaluate("window.__sameDocument = true")


def assert_same_page(page) -> None:
    assert page.evaluate("window.__sameDocument === true")


@pytest.fixture
def rcs_business(asgi_server, live_settings, celery_worker, workspace):
    channel = services.create_channel(
        workspace, kind="rcs", name="Bloom Florists", config=accounts.channel_config()
    )
    # Delivery and read reports come from the test (the network) and the phone on screen.
    store.set_controls(channel.config["agent_id"], events="manual")
    yield channel
    store.reset(channel.config["agent_id"])


def _inbound_count(channel) -> int:
    return Message.objects.filter(channel=channel, direction="inbound").count()


def _conversation_id(channel) -> int:
    return Message.objects.filter(channel=channel).first().conversation_id


def _provider_id(channel) -> str:
    message = Message.objects.filter(channel=channel, direction="outbound").first()
    return message.provider_message_id if message else ""


def resolve(page, base: str, conversation_id: int) -> None:
    """The thread head's Resolve button; where the page has none yet, the same endpoint."""
    button = page.get_by_test_id("resolve-button")
    if button.count():
        button.click()
        return
    status = page.evaluate(
        """async (url) => {
          const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
          headers["Content-Type"] = "application/x-www-form-urlencoded";
          const r = await fetch(url, {method: "POST", headers, body: "status=resolved",
                                      credentials: "same-origin"});
          return r.status;
        }""",
        f"{base}/w/acme/c/{conversation_id}/status/",
    )
    assert status in (200, 302), status


def test_two_agents_and_the_customer_live(asgi_server, rcs_business, agent, manager, browser):
    from playwright.sync_api import expect

    alice = log_in(browser, asgi_server, "alice")
    bob = log_in(browser, asgi_server, "mona")
    for page in (alice, bob):
        live(page)
        expect(page.get_by_test_id("conversation-row")).to_have_count(0)
        mark_page(page)
    # Each sees the other online in the team list (read from the database).
    expect(
        bob.locator(f'[data-testid="teammate-presence"][data-user-id="{agent.pk}"]')
    ).to_have_attribute("data-presence", "online", timeout=LIVE)

    phone_context = browser.new_context(viewport={"width": 420, "height": 860})
    phone = phone_context.new_page()
    phone_url = f"{asgi_server}/sandbox/phone/?number=%2B{CUSTOMER[1:]}&channel={rcs_business.pk}"
    # The simulator needs a member of the business's workspace (the manager plays it).
    sign_in(phone, phone_url, "mona", lands=phone_url)
    expect(phone.get_by_test_id("rcs-brand-header")).to_contain_text("Bloom Florists")

    # The customer texts: the conversation appears for both agents, live.
    phone.get_by_test_id("phone-compose").fill("Can I change my delivery address?")
    phone.get_by_test_id("phone-send").click()
    for page in (alice, bob):
        row = page.get_by_test_id("conversation-row")
        expect(row).to_have_count(1, timeout=LIVE)
        expect(row).to_contain_text("Can I change my delivery address?")
        assert_same_page(page)
    conversation_id = off_loop(_conversation_id, rcs_business)

    # Bob opens it first; then Alice does, and Bob is told at once.
    bob.get_by_test_id("conversation-row").get_by_role("link").click()
    bob.wait_for_url(f"**/c/{conversation_id}/*")
    live(bob)
    viewers = bob.get_by_test_id("viewer-presence")
    expect(viewers).to_be_hidden()
    mark_page(bob)
    alice.get_by_test_id("conversation-row").get_by_role("link").click()
    alice.wait_for_url(f"**/c/{conversation_id}/*")
    live(alice)
    mark_page(alice)
    expect(viewers).to_have_text("alice is viewing", timeout=LIVE)
    expect(alice.get_by_test_id("viewer-presence")).to_have_text("mona is viewing", timeout=LIVE)

    # The customer types on the phone, which reports IS_TYPING through the RBM webhook:
    # the agents see the customer, not a colleague, typing.
    phone.get_by_test_id("phone-compose").press_sequentially("Actually, one more")
    typing = bob.get_by_test_id("typing-indicator")
    expect(typing).to_have_text("Customer is typing…", timeout=LIVE)
    expect(typing).to_have_attribute("data-who", "contact")
    expect(viewers).to_have_text("alice is viewing")

    # Alice types a reply: Bob sees who is typing, the phone shows the brand typing.
    composer = alice.get_by_test_id("composer").get_by_role("textbox")
    composer.fill("Yes — what is the new address?")
    expect(viewers).to_have_text("alice is typing a reply…", timeout=LIVE)
    expect(viewers).to_have_attribute("data-typing", "true")
    expect(phone.get_by_test_id("rcs-typing")).to_be_visible(timeout=LIVE)
    expect(phone.get_by_test_id("rcs-typing")).to_contain_text("Bloom Florists is typing")
    shots = screenshots_dir()
    if shots:
        bob.screenshot(path=str(shots / "screenshot-collision.png"))
        phone.screenshot(path=str(shots / "screenshot-phone.png"))

    # The phone goes in the customer's pocket: nothing on screen reads the reply yet.
    phone.close()
    alice.get_by_test_id("send-button").click()
    expect(viewers).to_have_text("alice is viewing", timeout=LIVE)  # stopped typing
    for page in (alice, bob):
        outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
        expect(outbound).to_have_count(1, timeout=LIVE)
        expect(outbound).to_contain_text("Yes — what is the new address?")
        expect(outbound).to_have_attribute("data-status", "sent", timeout=LIVE)

    # The network reports it delivered to the handset.
    provider_id = off_loop(
        lambda: eventually(lambda: _provider_id(rcs_business), what="the provider id")
    )
    agent_id = rcs_business.config["agent_id"]
    assert off_loop(events.post_user_event, agent_id, CUSTOMER, "DELIVERED", provider_id) == 200
    for page in (alice, bob):
        outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
        expect(outbound).to_have_attribute("data-status", "delivered", timeout=LIVE)
        expect(outbound.get_by_test_id("message-status")).to_contain_text("Delivered")

    # The customer looks at the phone: it shows the reply and reports it read.
    phone = phone_context.new_page()
    phone.goto(phone_url)
    expect(
        phone.locator('[data-testid="phone-message"][data-direction="in"]').last
    ).to_contain_text("Yes — what is the new address?", timeout=LIVE)
    for page in (alice, bob):
        outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
        expect(outbound).to_have_attribute("data-status", "read", timeout=LIVE)
        expect(outbound.get_by_test_id("message-status")).to_contain_text("Read")
        assert_same_page(page)

    if shots:
        alice.screenshot(path=str(shots / "screenshot.png"))

    # Alice resolves it: it leaves the Open view for both of them.
    resolve(alice, asgi_server, conversation_id)
    for page in (alice, bob):
        expect(page.get_by_test_id("conversation-row")).to_have_count(0, timeout=LIVE)
    assert_same_page(bob)
    phone_context.close()


def test_a_dropped_socket_says_so_and_catches_up_from_the_database(
    asgi_server, rcs_business, agent, browser
):
    from playwright.sync_api import expect

    status, _ = off_loop(
        lambda: events.simulate_user_message(rcs_business, CUSTOMER, "Hello there")
    )
    assert status == 200
    off_loop(
        lambda: eventually(lambda: _inbound_count(rcs_business) == 1, what="the first message")
    )
    conversation_id = off_loop(_conversation_id, rcs_business)

    alice = log_in(browser, asgi_server, "alice")
    alice.goto(f"{asgi_server}/w/acme/c/{conversation_id}/")
    live(alice)
    expect(alice.get_by_test_id("message")).to_have_count(1)
    mark_page(alice)

    # The link drops and stays down (every reconnect attempt fails, as offline would).
    alice.evaluate("window.__blockSockets = true; window.__sockets.forEach((s) => s.close())")
    expect(alice.get_by_test_id("connection-status")).to_have_text("Reconnecting…", timeout=LIVE)
    expect(alice.get_by_test_id("connection-status")).to_have_attribute(
        "data-state", "reconnecting"
    )

    # Meanwhile the customer writes; the event is published to nobody on this tab.
    status, _ = off_loop(
        lambda: events.simulate_user_message(rcs_business, CUSTOMER, "Sent while you were away")
    )
    assert status == 200
    off_loop(lambda: eventually(lambda: _inbound_count(rcs_business) == 2, what="the 2nd message"))
    expect(alice.get_by_test_id("message")).to_have_count(1)  # truly missed so far
    expect(alice.get_by_test_id("connection-status")).to_have_text("Reconnecting…")

    # The network comes back: the tab reconnects and reads what it missed from the DB.
    alice.evaluate("window.__blockSockets = false; window.dispatchEvent(new Event('online'))")
    live(alice)
    inbound = alice.locator('[data-testid="message"][data-direction="inbound"]')
    expect(inbound).to_have_count(2, timeout=LIVE)
    expect(inbound.last).to_contain_text("Sent while you were away")
    expect(alice.get_by_test_id("conversation-row")).to_contain_text(
        "Sent while you were away", timeout=LIVE
    )
    assert_same_page(alice)
