"""The first-run page: '/' leads there while no workspace exists; the token printed at
start guards it; it makes the workspace and its admin, signs them in, then is gone."""

from __future__ import annotations

import re

import pytest

from inbox.models import AuditEntry, BusinessHours, Membership, Role, Workspace
from operators import startup
from operators.models import SetupToken
from operators.services import first_run

# The token is printed from its own thread (as in a server), which needs committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def form(token: str, **overrides) -> dict:
    data = {
        "setup_token": token,
        "name": "Acme Repairs",
        "slug": "acme-repairs",
        "time_zone": "America/Mexico_City",
        "language": "es",
        "business_hours": "on",
        "admin_username": "ana",
        "admin_email": "ana@example.com",
        "password1": "a-long-passphrase",
        "password2": "a-long-passphrase",
    }
    data.update(overrides)
    return data


def printed_token(capsys, monkeypatch) -> str | None:
    monkeypatch.setattr(startup, "in_server_process", lambda: True)
    startup.announce_setup_token()
    match = re.search(r"SETUP TOKEN: (\S+)", capsys.readouterr().err)
    return match.group(1) if match else None


def test_root_leads_to_setup_while_no_workspace_exists(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/setup/"
    page = client.get("/setup/")
    assert page.status_code == 200 and b"setup-form" in page.content


def test_server_start_prints_a_token_that_any_process_accepts(client, capsys, monkeypatch):
    token = printed_token(capsys, monkeypatch)
    assert token and first_run.token_is_valid(token)
    assert token not in SetupToken.objects.values_list("token_hash", flat=True)  # hashed
    second = printed_token(capsys, monkeypatch)  # another web process starting
    assert second != token and first_run.token_is_valid(token) and first_run.token_is_valid(second)


def test_no_token_is_printed_once_a_workspace_exists(workspace, capsys, monkeypatch):
    # Counted, not "none": a server the suite started on an empty database left its own.
    before = SetupToken.objects.count()
    assert printed_token(capsys, monkeypatch) is None
    assert SetupToken.objects.count() == before


def test_wrong_token_is_refused_and_nothing_created(client, capsys, monkeypatch):
    printed_token(capsys, monkeypatch)
    response = client.post("/setup/", form("not-the-token"))
    assert response.status_code == 422
    assert b"errors-setup_token" in response.content
    assert not Workspace.objects.exists()


def test_setup_creates_workspace_and_admin_signs_them_in_then_is_gone(client, capsys, monkeypatch):
    token = printed_token(capsys, monkeypatch)
    response = client.post("/setup/", form(token))
    assert response.status_code == 302 and response.url == "/w/acme-repairs/"
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.timezone, workspace.language) == (
        "Acme Repairs",
        "America/Mexico_City",
        "es",
    )
    admin = Membership.objects.get(workspace=workspace)
    assert admin.role == Role.ADMIN and admin.user.check_password("a-long-passphrase")
    assert BusinessHours.objects.get(workspace=workspace).enabled is True
    assert AuditEntry.objects.filter(workspace=workspace, action="workspace.created").exists()
    assert client.get("/w/acme-repairs/").status_code == 200  # signed in as the admin
    # Gone for good: the page, '/' redirect, and the printed token.
    assert client.get("/setup/").status_code == 404
    assert client.post("/setup/", form(token, slug="again")).status_code == 404
    assert not first_run.token_is_valid(token)
    client.logout()
    assert client.get("/").url.startswith("/accounts/login/")


def test_mismatched_passwords_keep_the_typed_values(client, capsys, monkeypatch):
    token = printed_token(capsys, monkeypatch)
    response = client.post("/setup/", form(token, password2="something-else"))
    assert response.status_code == 422
    assert b"errors-password2" in response.content
    assert b'value="Acme Repairs"' in response.content
    assert not Workspace.objects.exists()


def test_setup_page_is_404_once_the_command_made_a_workspace(client, workspace):
    assert client.get("/setup/").status_code == 404
