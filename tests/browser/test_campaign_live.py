"""A manager runs a campaign in real Chromium (uvicorn, a Celery worker, PostgreSQL,
Redis, the RBM and Twilio sandboxes as separate processes): the payment-reminder
template from the gallery, previewed on both phones; a campaign on the RCS line with its
SMS fallback, previewed (RCS vs SMS by cached capability, the exclusions and why);
launched; and its progress followed live over the socket, delivery reports included,
to completion, without a reload."""

from __future__ import annotations

import pytest
from django.utils import timezone

from channels_rcs.sandbox import accounts
from channels_rcs.sandbox import events as rcs_events
from channels_rcs.sandbox import store as rcs_store
from channels_sms.sandbox import callbacks as sms_callbacks
from channels_sms.sandbox import store as sms_store
from inbox import services
from inbox.models import ContactReachability, Message
from inbox.services.consent import record_consent
from inbox.services.contact_book import upsert_contact
from tests.support.browser import off_loop, sign_in
from workspace_settings.models import AttributeType, ContactAttributeDefinition

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

LIVE = 30_000
# The sandbox's rule: a number ending in an even digit is RCS-capable, odd is not.
RCS_PHONES = ["+14155550110", "+14155550112", "+14155550114"]
SMS_PHONES = ["+14155550111", "+14155550113"]
OPTED_OUT = "+14155550116"
NO_DUE_DATE = "+14155550118"


@pytest.fixture
def rcs_line(asgi_server, live_settings, celery_worker, workspace, sms_channel):
    channel = services.create_channel(
        workspace,
        kind="rcs",
        name="RCS line",
        config=accounts.channel_config(),
        fallback=sms_channel,
    )
    # Delivery reports come when the test says, so the page is seen to follow them live.
    rcs_store.set_controls(channel.config["agent_id"], events="manual")
    sms_store.set_controls(sms_channel.config["account_sid"], callbacks="manual")
    yield channel
    rcs_store.reset(channel.config["agent_id"])


@pytest.fixture
def audience(workspace, rcs_line):
    for key, kind in {"balance": AttributeType.NUMBER, "due_date": AttributeType.DATE}.items():
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
    values = {"balance": 1250.5, "due_date": "2027-01-15"}
    for n, phone in enumerate([*RCS_PHONES, *SMS_PHONES, OPTED_OUT, NO_DUE_DATE]):
        attributes = {"balance": 99} if phone == NO_DUE_DATE else values
        contact, _created = upsert_contact(
            workspace,
            phone=phone,
            name=f"Ana Cliente{n}",
            labels=["january"],
            attributes=attributes,
            source="api",
        )
        if phone != OPTED_OUT:  # the cached capability the preview plans with
            ContactReachability.objects.create(
                contact=contact,
                channel=rcs_line,
                reachable=phone in RCS_PHONES,
                checked_at=timezone.now(),
            )
    record_consent(rcs_line, OPTED_OUT, opted_out=True, source="api")


def _fire_delivery_reports(rcs_line) -> int:
    """What the networks would report: every campaign message delivered."""
    fired = 0
    for message in Message.objects.filter(campaign__isnull=False).select_related("channel"):
        if message.channel.kind == "rcs":
            rcs_events.fire(rcs_line.config["agent_id"], message.provider_message_id)
        else:
            sms_callbacks.fire(message.provider_message_id)
        fired += 1
    return fired


def test_manager_builds_previews_launches_and_watches_a_campaign(
    asgi_server, rcs_line, audience, manager, browser
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(
        page,
        asgi_server + "/accounts/login/?next=/w/acme/templates/",
        "mona",
        lands="**/w/acme/templates/",
    )

    # The gallery's payment reminder opens in the editor, drawn on both phones.
    page.get_by_test_id("gallery").get_by_role("button", name="Payment reminder").click()
    page.wait_for_url("**/templates/*/build/")
    rcs_phone = page.get_by_test_id("phone-rcs")
    expect(rcs_phone.get_by_test_id("rcs-brand-header")).to_contain_text("RCS line")
    expect(rcs_phone.get_by_test_id("rcs-card")).to_contain_text("your payment is due")
    expect(rcs_phone.get_by_test_id("rcs-chip")).to_have_count(4)
    expect(page.get_by_test_id("sms-bubble")).to_contain_text("Pay now: https://pay.example.com/")
    expect(page.get_by_test_id("sms-segments")).to_contain_text("segment")
    # A live edit redraws the phone without saving.
    page.get_by_test_id("card-0-title").fill("Hola {{first_name}}, tu pago vence pronto")
    expect(rcs_phone.get_by_test_id("rcs-card")).to_contain_text("tu pago vence pronto")

    # The campaign: the RCS line (SMS fallback), the label's contacts, now.
    page.goto(asgi_server + "/w/acme/campaigns/")
    form = page.get_by_test_id("campaign-form")
    form.locator("input[name=name]").fill("January reminders")
    form.locator("select[name=template]").select_option(label="Payment reminder")
    form.locator("select[name=channel]").select_option(label="RCS line (with fallback)")
    form.locator("input[name=audience][value=label]").check()
    form.locator("input[name=label]").fill("january")
    form.get_by_role("button", name="Create draft").click()
    page.wait_for_url("**/w/acme/campaigns/*/")

    preview = page.get_by_test_id("campaign-preview")
    expect(preview.get_by_test_id("preview-routes")).to_contain_text("3 on RCS line")
    expect(preview.get_by_test_id("preview-routes")).to_contain_text("2 on Support SMS")
    excluded = preview.get_by_test_id("preview-excluded")
    expect(excluded).to_contain_text("Opted out: 1")
    expect(excluded).to_contain_text("A placeholder value is missing: 1")

    page.get_by_test_id("launch").click()
    page.wait_for_url("**/w/acme/campaigns/*/")
    page.evaluate("window.__sameDocument = true")
    progress = page.get_by_test_id("campaign-progress")
    expect(progress.get_by_test_id("progress-connection")).to_have_text("Live", timeout=LIVE)
    expect(progress.get_by_test_id("progress-sent")).to_have_text("5", timeout=LIVE)
    expect(progress.get_by_test_id("progress-fell-back")).to_have_text("2")
    expect(progress.get_by_test_id("progress-excluded")).to_have_text("2")
    expect(progress.get_by_test_id("progress-status")).to_have_text("Completed", timeout=LIVE)
    # The buttons follow the status on the same document: nothing left to pause or cancel.
    expect(page.get_by_test_id("cancel")).to_have_count(0, timeout=LIVE)
    expect(page.get_by_test_id("pause")).to_have_count(0)
    expect(progress.get_by_test_id("progress-delivered")).to_have_text("0")

    # The networks report deliveries: the figures follow on this same document.
    assert off_loop(_fire_delivery_reports, rcs_line) == 5
    expect(progress.get_by_test_id("progress-delivered")).to_have_text("5", timeout=LIVE)
    expect(progress.get_by_test_id("progress-percent")).to_have_text("100")
    assert page.evaluate("window.__sameDocument === true")
