"""The API tokens page: an admin picks a new token's scopes and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import ApiToken, AuditEntry, Membership, Role
from inbox.services.tokens import authenticate

from .conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/w/acme/settings/api-tokens/"
HX = {"HTTP_HX_REQUEST": "true"}


def _secret(response) -> str:
    return response.content.decode().split('id="token-secret"')[1].split('value="')[1].split('"')[0]


def test_the_form_offers_scopes_and_expiry_with_least_privilege_defaults(admin_client):
    body = admin_client.get(URL).content.decode()
    assert 'data-testid="token-scopes"' in body and 'data-testid="token-lifetime"' in body
    for scope in ("read", "send", "admin"):
        assert f'value="{scope}"' in body
    # Only read is ticked, and 90 days is selected, until the admin chooses otherwise.
    assert body.count("checked") == 1 and 'value="read"' in body.split("checked")[0][-200:]
    assert '<option value="90" selected>' in body


def test_admin_picks_scopes_and_expiry(admin_client, admin_user, workspace):
    response = admin_client.post(
        URL, {"name": "CRM", "scopes": ["read", "send"], "lifetime": "7"}, **HX
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(workspace=workspace)
    assert token.scopes == ["read", "send"] and token.user == admin_user
    days = (token.expires_at - timezone.now()) / timedelta(days=1)
    assert 6.9 < days <= 7
    live = authenticate(_secret(response))
    assert live.pk == token.pk and live.allows("send") and not live.allows("admin")
    row = response.content.decode().split('data-name="CRM"')[1].split("</tr>")[0]
    assert "<code>read</code> <code>send</code>" in row
    assert token.expires_at.strftime("%-d %b %Y") in row
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.after["scopes"] == ["read", "send"]
    assert entry.after["expires_at"] == token.expires_at.isoformat()


def test_a_token_that_never_expires(admin_client, workspace):
    admin_client.post(URL, {"name": "ETL", "scopes": ["admin"], "lifetime": "never"})
    token = ApiToken.objects.get(workspace=workspace)
    assert token.scopes == ["admin"] and token.expires_at is None


def test_an_expired_token_is_shown_as_expired(admin_client, workspace):
    admin_client.post(URL, {"name": "old", "scopes": ["read"], "lifetime": "7"})
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    row = admin_client.get(URL).content.decode().split('data-name="old"')[1].split("</tr>")[0]
    assert "Expired" in row


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "x", "lifetime": "30"}, "Pick at least one scope."),
        ({"name": "x", "scopes": ["write"], "lifetime": "30"}, "Select a valid choice"),
        ({"name": "x", "scopes": ["read"], "lifetime": "9999"}, "Select a valid choice"),
    ],
)
def test_bad_choices_are_refused_clearly(admin_client, data, error):
    response = admin_client.post(URL, data, **HX)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_admin_demoted_while_the_page_is_open_cannot_mint_admin_tokens(
    admin_user, workspace, manager
):
    """The role is checked when the token is made, not only when the page was drawn."""
    Membership.objects.filter(user=manager).update(role=Role.ADMIN)
    client = client_for(admin_user)
    Membership.objects.filter(user=admin_user).update(role=Role.MANAGER)
    response = client.post(URL, {"name": "x", "scopes": ["admin"], "lifetime": "30"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["agent", "manager", "outsider"])
def test_only_this_workspaces_admins_may_create_tokens(request, who):
    client = client_for(request.getfixturevalue(who))
    response = client.post(URL, {"name": "x", "scopes": ["read"], "lifetime": "30"})
    assert response.status_code == (404 if who == "outsider" else 403)
    assert not ApiToken.objects.exists()
