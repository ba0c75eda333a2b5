"""Inviting a member in real Chromium: the admin invites by email and copies the one-time
link; the newcomer opens it in another browser, creates an account and lands in the inbox."""

from __future__ import annotations

import pytest
from django.conf import settings

from inbox.models import AuditEntry, Membership
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for a page to update; the assertion is that it does


def _joined(workspace) -> tuple[str, str, bool]:
    membership = Membership.objects.select_related("user").get(
        workspace=workspace, user__username="nina"
    )
    audited = AuditEntry.objects.filter(action="member.joined", target_label="nina").exists()
    return membership.role, membership.user.email, audited


def test_admin_invites_and_the_invitee_joins(asgi_server, admin_user, workspace, browser):
    from playwright.sync_api import expect

    admin = browser.new_context(viewport={"width": 1280, "height": 800})
    page = admin.new_page()
    violations: list[str] = []  # the Content-Security-Policy must not block anything
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, asgi_server + "/accounts/login/", "adam", lands=asgi_server + "/w/acme/")
    page.goto(asgi_server + "/w/acme/settings/")  # redirects admins to the members page
    page.wait_for_url(asgi_server + "/w/acme/settings/members/")
    page.evaluate("window.__sameDocument = true")

    # A typo first: the error is shown in place, nothing is sent.
    page.get_by_test_id("invite-email").fill("not-an-email")
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("invite-errors")).to_contain_text("full email address", timeout=LIVE)

    page.get_by_test_id("invite-email").fill("nina@example.com")
    page.get_by_test_id("invite-role").select_option("manager")
    page.get_by_test_id("invite-submit").click()
    link_field = page.get_by_test_id("invite-link")
    expect(link_field).to_be_visible(timeout=LIVE)
    expect(
        page.locator('[data-testid="invitation-row"][data-email="nina@example.com"]')
    ).to_have_count(1)
    assert page.evaluate("window.__sameDocument === true")  # htmx swap, no reload
    link = link_field.input_value()
    assert link.startswith(asgi_server + "/invite/")
    page.screenshot(path=str(settings.DATA_DIR / "browser-invite-member.png"))
    assert violations == []

    invitee = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    other = invitee.new_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="Join Acme")).to_be_visible()
    other.get_by_label("Username").fill("nina")
    other.get_by_label("Password", exact=True).fill("a-long-password")
    other.get_by_label("Password again").fill("a-long-password")
    other.get_by_test_id("invite-create-account").click()
    other.wait_for_url(asgi_server + "/w/acme/", timeout=LIVE)
    expect(other.locator(".topbar__user")).to_have_text("nina")

    assert off_loop(_joined, workspace) == ("manager", "nina@example.com", True)

    # The link was for one use only.
    third = browser.new_context().new_page()
    third.goto(link)
    expect(third.get_by_test_id("invitation-invalid")).to_be_visible()
    admin.close()
    invitee.close()
