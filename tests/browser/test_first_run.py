"""First run from an empty database, in real Chromium against its own uvicorn and Celery
worker: the setup token from the server's log, the setup form, the admin signs in,
connects a sandbox SMS channel and sends the first reply to a customer."""

from __future__ import annotations

import re
import secrets

import pytest
from django.conf import settings

from channels_sms import sandbox
from inbox.models import Channel, Workspace
from tests.support import processes
from tests.support.browser import off_loop, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

LIVE = 30_000  # ms: upper bound for an update to show; the assertion is that it shows
CUSTOMER = "+14155550177"
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def fresh_install(settings):
    """A web server and a worker started on the empty test database, as after
    `docker compose up`; the sandboxes are on for this install (they are off by default)."""
    assert not off_loop(Workspace.objects.exists)
    port = processes.free_port()
    url = f"http://127.0.0.1:{port}"
    settings.PUBLIC_BASE_URL = url  # this process signs the customer's webhook for it
    env = processes.child_env(PUBLIC_BASE_URL=url, SMS_SANDBOX_ENABLED="true")
    web = processes.start_asgi(env, port)
    worker = processes.start_worker(env, name="firstrun-worker")
    yield url, web
    worker.stop()
    web.stop()


def test_first_run_to_first_message(fresh_install, browser):
    from playwright.sync_api import expect

    url, web = fresh_install
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(url + "/")
    page.wait_for_url("**/setup/")
    token = re.search(r"SETUP TOKEN: (\S+)", web.tail(20_000)).group(1)

    page.get_by_label("Setup token").fill("wrong-token")
    page.get_by_label("Workspace name").fill("Acme Repairs")
    page.get_by_label("Address").fill("acme-repairs")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Your username").fill("ana")
    page.get_by_label("Your email").fill("ana@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password again").fill("a-long-passphrase")
    page.get_by_test_id("setup-submit").click()
    expect(page.get_by_test_id("errors-setup_token")).to_be_visible()
    assert not off_loop(Workspace.objects.exists)

    page.get_by_label("Setup token").fill(token)
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password again").fill("a-long-passphrase")
    page.get_by_test_id("setup-submit").click()
    page.wait_for_url(url + "/w/acme-repairs/")
    page.screenshot(path=str(settings.DATA_DIR / "browser-first-run-inbox.png"))

    # The setup page is gone; the admin signs in with the password they chose.
    assert page.goto(url + "/setup/").status == 404
    page.goto(url + "/w/acme-repairs/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(
        page,
        url + "/accounts/login/?next=/w/acme-repairs/settings/channels/",
        "ana",
        password="a-long-passphrase",
        lands="**/settings/channels/",
    )

    # Connects a sandbox SMS channel.
    page.get_by_test_id("add-sms").click()
    page.wait_for_url("**/channels/new/sms/")
    page.get_by_label("Name").fill("Support SMS")
    # A fresh account: the sandbox binds an AccountSid to its first workspace for good.
    page.get_by_label("Account SID").fill("AC" + secrets.token_hex(16))
    page.get_by_label("Auth token").fill(TOKEN)
    page.get_by_label("Sender number").fill("+1 415 555 0100")
    page.get_by_label("Provider endpoint").select_option("sandbox")
    page.get_by_test_id("save-channel").click()
    page.wait_for_url("**/settings/channels/*/")
    channel = off_loop(Channel.objects.get)

    # A customer writes; the admin answers from the inbox.
    try:
        inbound = off_loop(sandbox.simulate_inbound, channel, CUSTOMER, "Is anyone there?")
        assert inbound.status_code == 200, inbound.response_text
        page.goto(url + "/w/acme-repairs/")
        row = page.get_by_test_id("conversation-row")
        expect(row).to_have_count(1, timeout=LIVE)
        row.get_by_role("link").click()
        page.wait_for_url("**/c/*/")
        page.locator("#composer-text").fill("Hello! Yes, how can we help?")
        page.locator("#composer-text").press("Enter")
        outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
        expect(outbound).to_contain_text("Hello! Yes, how can we help?", timeout=LIVE)
        expect(outbound).to_have_attribute(
            "data-status", re.compile("sent|delivered|read"), timeout=LIVE
        )
        received = [m["body"] for m in off_loop(sandbox.handset_messages, CUSTOMER)]
        assert "Hello! Yes, how can we help?" in received
        page.screenshot(path=str(settings.DATA_DIR / "browser-first-run-first-reply.png"))
    finally:
        off_loop(sandbox.reset, channel.config["account_sid"])
