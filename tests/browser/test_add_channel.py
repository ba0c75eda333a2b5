"""An admin adds an SMS channel in a real browser, sees its webhook URLs, and tests the
connection against the sandbox over real HTTP."""

from __future__ import annotations

import pytest
from django.conf import settings

from inbox.models import AuditEntry, Channel
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000
TOKEN = "0123456789abcdef0123456789abcdef"


def test_admin_adds_sms_channel_and_tests_connection(
    asgi_server, live_settings, admin_user, browser
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(
        page,
        asgi_server + "/accounts/login/?next=/w/acme/settings/channels/",
        "adam",
        lands="**/settings/channels/",
    )
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
    assert not off_loop(Channel.objects.exists)

    page.get_by_label("Auth token").fill(TOKEN)
    page.get_by_test_id("save-channel").click()
    page.wait_for_url("**/settings/channels/*/")
    channel = off_loop(Channel.objects.get)
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
    assert off_loop(AuditEntry.objects.filter(action="channel.created", actor=admin_user).exists)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("add-sms")).to_be_visible()
    page.screenshot(path=str(settings.DATA_DIR / "browser-settings-channels-phone.png"))
