"""An admin adds an SMS channel in a real browser, sees its webhook URLs, and tests the
connection against the sandbox over real HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from inbox.models import AuditEntry, Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000
TOKEN = "0123456789abcdef0123456789abcdef"


def in_thread(fn, *args, **kwargs):
    """Run ORM work off the test thread: Playwright's sync API keeps an event loop running
    here, and Django refuses database calls from a thread with a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def test_admin_adds_sms_channel_and_tests_connection(
    asgi_server, live_settings, admin_user, browser
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(asgi_server + "/accounts/login/?next=/w/acme/settings/channels/")
    page.get_by_label("Username").fill("adam")
    page.get_by_label("Password").fill("pw-adam")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/settings/channels/")
    expect(page.get_by_test_id("no-channels")).to_be_visible()

    page.get_by_test_id("add-sms").click()
    page.wait_for_url("**/channels/new/sms/")
    page.get_by_label("Name").fill("Support SMS")
    page.get_by_label("Account SID").fill("AC" + "4" * 32)
    page.get_by_label("Sender number").fill("+1 415 555 0100")
    page.get_by_label("Provider endpoint").select_option("sandbox")
    page.get_by_test_id("save-channel").click()
    # Forgotten token: a clear error, the typed values kept.
    expect(page.get_by_test_id("error-auth_token")).to_be_visible()
    expect(page.get_by_label("Account SID")).to_have_value("AC" + "4" * 32)
    assert not in_thread(Channel.objects.exists)

    page.get_by_label("Auth token").fill(TOKEN)
    page.get_by_test_id("save-channel").click()
    page.wait_for_url("**/settings/channels/*/")
    channel = in_thread(Channel.objects.get)
    urls = page.get_by_test_id("webhook-url")
    expect(urls.first).to_contain_text(f"/webhooks/sms/{channel.webhook_token}/")
    expect(page.get_by_test_id("stored-secrets")).to_contain_text("••••cdef")
    assert TOKEN not in page.content()
    expect(page.get_by_label("Auth token")).to_have_value("")

    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("test-connection").click()
    result = page.get_by_test_id("test-result")
    expect(result).to_have_attribute("data-ok", "true", timeout=LIVE)
    expect(result).to_contain_text("Connection OK")
    assert page.evaluate("window.__sameDocument === true")  # htmx, no reload
    page.screenshot(path=str(settings.DATA_DIR / "browser-settings-channel-1280.png"))

    page.goto(asgi_server + "/w/acme/settings/channels/")
    row = page.get_by_test_id("channel-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Support SMS")
    expect(row.get_by_test_id("channel-status")).to_have_text("Active")
    assert in_thread(AuditEntry.objects.filter(action="channel.created", actor=admin_user).exists)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("add-sms")).to_be_visible()
    page.screenshot(path=str(settings.DATA_DIR / "browser-settings-channels-phone.png"))
