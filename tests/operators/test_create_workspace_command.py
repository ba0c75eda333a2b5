"""`manage.py create_workspace`: one JSON object, idempotent on the slug, and a one-time,
expiring link that sets the admin's password (through two-factor when required)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inbox.models import AuditEntry, BusinessHours, Membership, Role, Workspace
from operators.models import SetupLink, SetupToken

ARGS = ("--name", "Acme Repairs", "--slug", "acme-repairs", "--admin-email", "Ana@Example.com")


def run(*args: str) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("create_workspace", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_creates_workspace_admin_and_prints_one_json_object(settings):
    settings.PUBLIC_BASE_URL = "https://inbox.example.com"
    SetupToken.objects.create(token_hash="x" * 64)  # a first-run token printed earlier
    payload, _ = run(*ARGS, "--time-zone", "Europe/Madrid", "--language", "es")
    workspace = Workspace.objects.get(slug="acme-repairs")
    assert payload["workspace"] == {
        "id": workspace.pk,
        "slug": "acme-repairs",
        "name": "Acme Repairs",
    }
    assert payload["admin"] == {"username": "ana", "email": "ana@example.com"}
    assert payload["setup_url"].startswith("https://inbox.example.com/setup/password/")
    assert (workspace.timezone, workspace.language) == ("Europe/Madrid", "es")
    membership = Membership.objects.get(workspace=workspace)
    assert membership.role == Role.ADMIN and membership.user.username == "ana"
    assert not membership.user.has_usable_password()  # set through the link only
    hours = BusinessHours.objects.get(workspace=workspace)
    assert hours.weekly["0"] == [["09:00", "17:00"]] and "5" not in hours.weekly
    assert AuditEntry.objects.filter(workspace=workspace, action="workspace.created").exists()
    assert not SetupToken.objects.exists()  # the first-run page is over


@pytest.mark.django_db
def test_admin_username_can_be_chosen():
    payload, _ = run(*ARGS, "--admin-username", "ana.admin")
    assert payload["admin"]["username"] == "ana.admin"


@pytest.mark.django_db
def test_rerun_changes_nothing_and_prints_no_new_link():
    first, _ = run(*ARGS)
    again, err = run(*ARGS[:1], "Renamed", *ARGS[2:], "--time-zone", "Asia/Tokyo")
    assert again["workspace"] == first["workspace"]
    assert again["admin"] == first["admin"]
    assert again["setup_url"] is None and again["created"] is False
    assert "already exists; nothing changed" in err
    workspace = Workspace.objects.get()
    assert (workspace.name, workspace.timezone) == ("Acme Repairs", "UTC")
    assert Membership.objects.count() == 1 and SetupLink.objects.count() == 1


@pytest.mark.django_db
def test_new_link_replaces_the_old_one(client):
    first, _ = run(*ARGS)
    again, _ = run(*ARGS, "--new-link")
    assert again["setup_url"] and again["setup_url"] != first["setup_url"]
    assert client.get(path_of(first["setup_url"])).status_code == 404
    assert client.get(path_of(again["setup_url"])).status_code == 200


@pytest.mark.django_db
def test_link_sets_the_password_once_and_signs_in(client):
    payload, _ = run(*ARGS)
    path = path_of(payload["setup_url"])
    page = client.get(path)
    assert page.status_code == 200 and b"ana" in page.content
    response = client.post(
        path, {"new_password1": "a-long-passphrase", "new_password2": "a-long-passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/").url == "/w/acme-repairs/"  # signed in, home opens the workspace
    client.logout()
    assert client.get(path).status_code == 404  # once
    assert (
        client.post(
            path, {"new_password1": "hijacked-passphrase", "new_password2": "hijacked-passphrase"}
        ).status_code
        == 404
    )
    assert client.login(username="ana", password="a-long-passphrase")  # not the hijacker's


@pytest.mark.django_db
def test_link_expires_after_72_hours_by_default(client):
    payload, _ = run(*ARGS)
    link = SetupLink.objects.get()
    assert link.expires_at - link.created_at == pytest.approx(
        timedelta(hours=72), abs=timedelta(seconds=5)
    )
    SetupLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(path_of(payload["setup_url"]))
    assert response.status_code == 404
    assert b"setup-link-invalid" in response.content


@pytest.mark.django_db
def test_link_leads_through_two_factor_enrolment_when_required(client):
    payload, _ = run(*ARGS)
    Workspace.objects.update(require_two_factor=True)
    client.post(
        path_of(payload["setup_url"]),
        {"new_password1": "a-long-passphrase", "new_password2": "a-long-passphrase"},
    )
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/")


@pytest.mark.django_db
def test_weak_password_keeps_the_link_usable(client):
    payload, _ = run(*ARGS)
    path = path_of(payload["setup_url"])
    assert client.post(path, {"new_password1": "x", "new_password2": "x"}).status_code == 422
    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra, reason",
    [
        (("--time-zone", "Mars/Olympus"), "time zone"),
        (("--admin-email", "not-an-email"), "admin email"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_written(extra, reason):
    with pytest.raises(CommandError, match=reason):
        run(*ARGS, *extra)
    assert not Workspace.objects.exists()
