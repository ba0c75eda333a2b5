"""API tokens page (secret once, hashed, revocable) and the read-only audit log."""

from __future__ import annotations

import pytest

from inbox.models import ApiToken, AuditEntry
from inbox.services import audit
from inbox.services.tokens import authenticate

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def test_create_shows_the_secret_once_and_audits_without_it(admin_client, admin_user, workspace):
    response = admin_client.post(
        "/w/acme/settings/api-tokens/",
        {"name": "CRM sync", "scopes": ["read"], "lifetime": "90"},
        **HX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    token = ApiToken.objects.get(workspace=workspace)
    raw = body.split('id="token-secret"')[1].split('value="')[1].split('"')[0]
    assert raw.startswith("inbx_") and authenticate(raw).pk == token.pk
    assert raw not in token.key_hash
    assert raw not in admin_client.get("/w/acme/settings/api-tokens/").content.decode()
    entry = AuditEntry.objects.get(action="api_token.created")
    assert raw not in str(entry.after) and entry.after["name"] == "CRM sync"


def test_blank_name_is_refused_clearly(admin_client):
    response = admin_client.post(
        "/w/acme/settings/api-tokens/", {"name": "  ", "scopes": ["read"], "lifetime": "90"}, **HX
    )
    assert response.status_code == 422
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_stops_the_token_and_shows_last_use(admin_client, workspace):
    admin_client.post(
        "/w/acme/settings/api-tokens/", {"name": "ci", "scopes": ["read"], "lifetime": "never"}
    )
    token = ApiToken.objects.get()
    page = admin_client.get("/w/acme/settings/api-tokens/").content.decode()
    assert "Never" in page
    response = admin_client.post(f"/w/acme/settings/api-tokens/{token.pk}/revoke/", **HX)
    assert response.status_code == 200
    assert 'data-revoked="true"' in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_audit_log_lists_filters_and_paginates(
    admin_client, admin_user, workspace, other_workspace
):
    for i in range(55):
        audit.record(workspace, admin_user, "label.created", target_label=f"L{i}")
    audit.record(workspace, None, "member.invited", target_label="x@example.com")
    audit.record(other_workspace, None, "member.invited", target_label="globex-secret")
    page1 = admin_client.get("/w/acme/settings/audit/").content.decode()
    assert page1.count('data-testid="audit-row"') == 50
    assert "globex-secret" not in page1
    assert 'data-testid="audit-next"' in page1
    page2 = admin_client.get("/w/acme/settings/audit/?page=2").content.decode()
    assert page2.count('data-testid="audit-row"') == 6
    filtered = admin_client.get("/w/acme/settings/audit/?action=member.invited", **HX)
    body = filtered.content.decode()
    assert body.count('data-testid="audit-row"') == 1 and "x@example.com" in body
    by_actor = admin_client.get("/w/acme/settings/audit/?actor=system").content.decode()
    assert by_actor.count('data-testid="audit-row"') == 1
