"""TOTP two-factor: setup, the login code step, and per-workspace enforcement."""

from __future__ import annotations

import pytest

from inbox.models import AuditEntry
from members.totp_device import TOTPDevice

from .conftest import client_for, confirmed_device, reaches_inbox, totp_code, wrong_code

pytestmark = pytest.mark.django_db


def test_setup_shows_qr_and_key_and_a_current_code_turns_it_on(client, agent, no_otp_throttle):
    client.force_login(agent)
    page = client.get("/accounts/2fa/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'data-testid="2fa-secret"' in body
    assert "otpauth://totp/" in body
    device = TOTPDevice.objects.get(user=agent, confirmed=False)

    wrong = client.post("/accounts/2fa/", {"code": wrong_code(device)})
    assert wrong.status_code == 422
    assert 'data-testid="2fa-error"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()

    response = client.post("/accounts/2fa/", {"code": totp_code(device), "next": "/w/acme/"})
    assert response.status_code == 302 and response["Location"] == "/w/acme/"
    assert TOTPDevice.objects.get(user=agent).confirmed
    # This session passed the code step already.
    assert reaches_inbox(client)


def test_a_user_with_a_device_must_enter_a_code_after_the_password(client, agent):
    device = confirmed_device(agent)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "pw-alice"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/verify/?next=")
    assert client.get("/w/acme/").status_code == 302
    # htmx fragments get a client-side redirect instead of a 2FA page in a slot.
    fragment = client.get("/w/acme/fragments/conversations/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"].startswith("/accounts/2fa/verify/")

    wrong = client.post("/accounts/2fa/verify/", {"code": "12ab"})
    assert wrong.status_code == 422
    assert "Enter the 6 digits" in wrong.content.decode()
    ok = client.post("/accounts/2fa/verify/", {"code": totp_code(device), "next": "/w/acme/"})
    assert ok.status_code == 302 and ok["Location"] == "/w/acme/"
    assert reaches_inbox(client)


def test_verify_refuses_an_offsite_next(client, agent):
    device = confirmed_device(agent)
    client.force_login(agent)
    ok = client.post(
        "/accounts/2fa/verify/", {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert ok["Location"] == "/"


def test_workspace_requirement_sends_members_without_a_device_to_setup(
    admin_user, agent, workspace
):
    admin = client_for(admin_user)
    agent_client = client_for(agent)
    assert reaches_inbox(agent_client)  # cached "nothing required"

    # The admin cannot require what they have not set up themselves.
    refused = admin.post("/w/acme/settings/security/", {"require_two_factor": "on"})
    assert refused.status_code == 422
    assert "Set up two-factor for your own account" in refused.content.decode()
    workspace.refresh_from_db()
    assert not workspace.require_two_factor

    device = confirmed_device(admin_user)
    admin.post("/accounts/2fa/verify/", {"code": totp_code(device)})
    saved = admin.post("/w/acme/settings/security/", {"require_two_factor": "on"})
    assert saved.status_code == 302
    workspace.refresh_from_db()
    assert workspace.require_two_factor
    entry = AuditEntry.objects.get(action="security.two_factor_required")
    assert (entry.before, entry.after) == (
        {"require_two_factor": False},
        {"require_two_factor": True},
    )

    response = agent_client.get("/w/acme/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=")
    setup = agent_client.get("/accounts/2fa/")
    assert 'data-testid="2fa-required"' in setup.content.decode()
    pending = TOTPDevice.objects.get(user=agent, confirmed=False)
    agent_client.post("/accounts/2fa/", {"code": totp_code(pending)})
    assert reaches_inbox(agent_client)

    # Turning it off again is audited too.
    admin.post("/w/acme/settings/security/", {})
    workspace.refresh_from_db()
    assert not workspace.require_two_factor
    assert AuditEntry.objects.filter(action="security.two_factor_optional").count() == 1


def test_disabling_needs_a_current_code(client, agent, no_otp_throttle):
    device = confirmed_device(agent)
    client.force_login(agent)
    client.post("/accounts/2fa/verify/", {"code": totp_code(device)})
    refused = client.post("/accounts/2fa/disable/", {"code": wrong_code(device)})
    assert refused.status_code == 422
    assert TOTPDevice.objects.filter(user=agent).exists()
    ok = client.post("/accounts/2fa/disable/", {"code": totp_code(device, 1)})
    assert ok.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_own_two_factor_changes_are_audited_in_each_of_the_users_workspaces(
    client, agent, workspace, other_workspace, no_otp_throttle
):
    from inbox.models import Membership

    Membership.objects.create(workspace=other_workspace, user=agent, role="agent")
    client.force_login(agent)
    client.get("/accounts/2fa/")
    pending = TOTPDevice.objects.get(user=agent, confirmed=False)
    client.post("/accounts/2fa/", {"code": totp_code(pending)})
    enabled = AuditEntry.objects.filter(action="two_factor.enabled")
    assert {e.workspace_id for e in enabled} == {workspace.pk, other_workspace.pk}
    assert all(e.actor == agent and e.target_label == "alice" for e in enabled)
    assert (enabled[0].before, enabled[0].after) == ({"two_factor": False}, {"two_factor": True})

    refused = client.post("/accounts/2fa/disable/", {"code": wrong_code(pending)})
    assert refused.status_code == 422
    assert not AuditEntry.objects.filter(action="two_factor.disabled").exists()
    client.post("/accounts/2fa/disable/", {"code": totp_code(pending, 1)})
    disabled = AuditEntry.objects.filter(action="two_factor.disabled")
    assert {e.workspace_id for e in disabled} == {workspace.pk, other_workspace.pk}
    assert disabled[0].after == {"two_factor": False}
