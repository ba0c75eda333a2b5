"""The member list: role changes and deactivation, with a workspace never left adminless."""

from __future__ import annotations

import pytest

from inbox.models import ApiToken, AuditEntry, Membership
from inbox.services.tokens import authenticate, create_api_token

from .conftest import client_for, reaches_inbox

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _m(workspace, user) -> Membership:
    return Membership.objects.get(workspace=workspace, user=user)


def test_page_lists_members_with_roles(admin_client, agent, manager):
    body = admin_client.get("/w/acme/settings/members/").content.decode()
    for name in ("adam", "alice", "mona"):
        assert f'data-username="{name}"' in body
    assert 'data-testid="invite-email"' in body


def test_role_change_is_saved_and_audited(admin_client, workspace, agent):
    member = _m(workspace, agent)
    response = admin_client.post(
        f"/w/acme/settings/members/{member.pk}/role/", {"role": "manager"}, **HX
    )
    assert response.status_code == 200
    assert 'data-username="alice"' in response.content.decode()
    assert _m(workspace, agent).role == "manager"
    entry = AuditEntry.objects.get(action="member.role_changed")
    assert (entry.before, entry.after, entry.actor_label) == (
        {"role": "agent"},
        {"role": "manager"},
        "adam",
    )


def test_bad_role_is_a_clear_422(admin_client, workspace, agent):
    member = _m(workspace, agent)
    response = admin_client.post(
        f"/w/acme/settings/members/{member.pk}/role/", {"role": "owner"}, **HX
    )
    assert response.status_code == 422
    assert "Choose a role" in response.content.decode()
    assert _m(workspace, agent).role == "agent"


def test_last_admin_cannot_be_demoted_or_deactivated(admin_client, workspace, admin_user, manager):
    me = _m(workspace, admin_user)
    response = admin_client.post(f"/w/acme/settings/members/{me.pk}/role/", {"role": "agent"}, **HX)
    assert response.status_code == 422
    assert "at least one admin" in response.content.decode()
    assert _m(workspace, admin_user).role == "admin"
    # Another admin may deactivate... but nobody deactivates themselves.
    response = admin_client.post(f"/w/acme/settings/members/{me.pk}/deactivate/", **HX)
    assert response.status_code == 422
    assert _m(workspace, admin_user).is_active
    assert not AuditEntry.objects.exists()


def test_deactivated_member_loses_access_and_tokens_but_keeps_history(
    admin_client, workspace, agent, customer_message
):
    agent_client = client_for(agent)
    assert reaches_inbox(agent_client)
    _, raw = create_api_token(agent, workspace, name="agent script")
    member = _m(workspace, agent)
    response = admin_client.post(f"/w/acme/settings/members/{member.pk}/deactivate/", **HX)
    assert response.status_code == 200
    assert 'data-active="false"' in response.content.decode()
    assert agent_client.get("/w/acme/").status_code == 404
    assert authenticate(raw) is None
    assert ApiToken.objects.get(user=agent).revoked_at is not None
    assert Membership.objects.filter(pk=member.pk).exists()  # history stays
    assert AuditEntry.objects.get(action="member.deactivated").after == {"is_active": False}

    response = admin_client.post(f"/w/acme/settings/members/{member.pk}/reactivate/")
    assert response.status_code == 302
    assert reaches_inbox(agent_client)
    assert AuditEntry.objects.filter(action="member.reactivated").count() == 1
