"""Every administration page and endpoint: admin only (other roles 403, other tenants 404)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from inbox.models import Membership, Role
from inbox.services.tokens import create_api_token
from members.services import invitations

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(workspace, admin_user, agent, customer_message):
    """Ids of one object of each kind in workspace acme."""
    invitation, _ = invitations.create_invitation(workspace, admin_user, "new@example.com", "agent")
    token, _ = create_api_token(admin_user, workspace, name="ci")
    return {
        "member": Membership.objects.get(workspace=workspace, user=agent).pk,
        "invitation": invitation.pk,
        "token": token.pk,
        "contact": customer_message.conversation.contact_id,
    }


GET_PAGES = [
    "/w/acme/settings/",
    "/w/acme/settings/members/",
    "/w/acme/settings/api-tokens/",
    "/w/acme/settings/security/",
    "/w/acme/settings/data/",
    "/w/acme/settings/data/contacts/{contact}/export/",
    "/w/acme/settings/data/contacts/{contact}/erase/",
    "/w/acme/settings/audit/",
]

POSTS = [
    ("/w/acme/settings/members/invite/", {"email": "x@example.com", "role": "agent"}),
    ("/w/acme/settings/members/invitations/{invitation}/revoke/", {}),
    ("/w/acme/settings/members/{member}/role/", {"role": "manager"}),
    ("/w/acme/settings/members/{member}/deactivate/", {}),
    ("/w/acme/settings/members/{member}/reactivate/", {}),
    ("/w/acme/settings/api-tokens/", {"name": "x", "scopes": ["read"], "lifetime": "30"}),
    ("/w/acme/settings/api-tokens/{token}/revoke/", {}),
    ("/w/acme/settings/security/", {"require_two_factor": ""}),
    ("/w/acme/settings/data/retention/", {"retention_days": "30"}),
    ("/w/acme/settings/data/contacts/{contact}/erase/", {"confirmation": "x"}),
]


@pytest.mark.parametrize("url", GET_PAGES)
@pytest.mark.parametrize("role,status", [("agent", 403), ("manager", 403), ("outsider", 404)])
def test_get_pages_refuse_non_admins(url, role, status, request, targets, manager, outsider):
    user = {"agent": request.getfixturevalue("agent"), "manager": manager, "outsider": outsider}[
        role
    ]
    assert client_for(user).get(url.format(**targets)).status_code == status


@pytest.mark.parametrize("url,data", POSTS)
@pytest.mark.parametrize("role,status", [("agent", 403), ("manager", 403), ("outsider", 404)])
def test_posts_refuse_non_admins_and_change_nothing(
    url, data, role, status, request, targets, manager, outsider, workspace
):
    from inbox.models import AuditEntry

    user = {"agent": request.getfixturevalue("agent"), "manager": manager, "outsider": outsider}[
        role
    ]
    entries = AuditEntry.objects.filter(workspace=workspace).count()
    response = client_for(user).post(url.format(**targets), data)
    assert response.status_code == status
    assert AuditEntry.objects.filter(workspace=workspace).count() == entries


@pytest.mark.parametrize("url", GET_PAGES)
def test_admin_reaches_every_page(admin_client, url, targets):
    response = admin_client.get(url.format(**targets))
    assert response.status_code in (200, 302)
    if url.endswith("/settings/"):
        assert response["Location"] == "/w/acme/settings/members/"


def test_admin_of_another_workspace_gets_404(other_workspace, targets):
    globex_admin = get_user_model().objects.create_user("gina", password="pw")
    Membership.objects.create(workspace=other_workspace, user=globex_admin, role=Role.ADMIN)
    client = client_for(globex_admin)
    for url in GET_PAGES:
        assert client.get(url.format(**targets)).status_code == 404, url
    # Their own settings, pointed at acme's objects: not found either.
    base = "/w/globex/settings/"
    assert (
        client.post(f"{base}members/{targets['member']}/role/", {"role": "admin"}).status_code
        == 404
    )
    assert client.post(f"{base}api-tokens/{targets['token']}/revoke/").status_code == 404
    assert (
        client.post(f"{base}members/invitations/{targets['invitation']}/revoke/").status_code == 404
    )
    assert client.get(f"{base}data/contacts/{targets['contact']}/export/").status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get("/w/acme/settings/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_audit_log_has_no_write_routes(admin_client, targets):
    assert admin_client.post("/w/acme/settings/audit/", {}).status_code == 405
    assert admin_client.delete("/w/acme/settings/audit/").status_code == 405
    assert admin_client.get("/w/acme/settings/audit/1/").status_code == 404
