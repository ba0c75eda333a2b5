"""Invitations: one-time, hashed, expiring links that a new or existing user accepts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from inbox.models import AuditEntry, Membership
from members.models import Invitation

from .conftest import client_for, reaches_inbox

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://[^/\s]+(/invite/[\w-]+/)")


def invite(admin_client, email="new@example.com", role="agent", **headers):
    return admin_client.post(
        "/w/acme/settings/members/invite/", {"email": email, "role": role}, **headers
    )


def test_invite_mails_a_one_time_link_and_stores_only_its_hash(admin_client, workspace):
    response = invite(admin_client, role="manager")
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    path = LINK.search(message.body).group(1)
    raw = path.split("/")[2]
    assert path in response.content.decode()  # shown once to the admin, to copy
    invitation = Invitation.objects.get(workspace=workspace)
    assert invitation.role == "manager"
    assert raw not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    entry = AuditEntry.objects.get(workspace=workspace, action="member.invited")
    assert entry.after == {"email": "new@example.com", "role": "manager"}
    assert raw not in str(entry.before) + str(entry.after)


def test_invite_form_errors_are_clear_and_write_nothing(admin_client, workspace, agent):
    agent.email = "alice@example.com"
    agent.save()
    response = invite(admin_client, email="not-an-email", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Enter a full email address" in response.content.decode()
    response = invite(admin_client, email="ALICE@example.com")
    assert response.status_code == 422
    assert "already a member" in response.content.decode()
    response = invite(admin_client, role="owner")
    assert response.status_code == 422
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def _link(admin_client, **kw) -> str:
    invite(admin_client, **kw)
    return LINK.search(mail.outbox[-1].body).group(1)


def test_new_user_creates_account_and_lands_in_the_inbox(admin_client, client, workspace):
    path = _link(admin_client, role="agent")
    page = client.get(path)
    assert page.status_code == 200
    assert "Join Acme" in page.content.decode()
    response = client.post(
        path, {"username": "newbie", "password1": "long-pass-1", "password2": "long-pass-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/w/acme/"
    user = get_user_model().objects.get(username="newbie")
    assert user.email == "new@example.com"
    assert Membership.objects.get(workspace=workspace, user=user).role == "agent"
    assert reaches_inbox(client)
    assert AuditEntry.objects.filter(action="member.joined", target_label="newbie").exists()
    # Single use: the same link is refused afterwards, even to someone else.
    assert Client().get(path).status_code == 404


def test_signup_form_errors(admin_client, client, agent):
    path = _link(admin_client)
    response = client.post(path, {"username": "alice", "password1": "a", "password2": "b"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "That username is taken" in body
    assert "The two passwords differ" in body
    assert Invitation.objects.get().accepted_at is None


def test_existing_user_signs_in_and_joins(admin_client, outsider, workspace):
    path = _link(admin_client, email="eve@example.com", role="manager")
    eve = client_for(outsider)
    page = eve.get(path)
    assert "Join as eve" in page.content.decode()
    response = eve.post(path, {"action": "join"})
    assert response.status_code == 302 and response["Location"] == "/w/acme/"
    assert Membership.objects.get(workspace=workspace, user=outsider).role == "manager"
    assert eve.post(path, {"action": "join"}).status_code == 404


def test_anonymous_join_is_sent_to_login_first(admin_client, client):
    path = _link(admin_client)
    response = client.post(path, {"action": "join"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/invite/")


def test_expired_and_revoked_links_are_refused(admin_client, client, outsider):
    expired = _link(admin_client, email="a@example.com")
    Invitation.objects.filter(email="a@example.com").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(expired).status_code == 404
    response = client.post(
        expired, {"username": "x1", "password1": "long-pass-1", "password2": "long-pass-1"}
    )
    assert response.status_code == 404
    assert not get_user_model().objects.filter(username="x1").exists()

    revoked = _link(admin_client, email="b@example.com")
    invitation = Invitation.objects.get(email="b@example.com")
    assert (
        admin_client.post(
            f"/w/acme/settings/members/invitations/{invitation.pk}/revoke/"
        ).status_code
        == 302
    )
    assert client_for(outsider).post(revoked, {"action": "join"}).status_code == 404
    assert AuditEntry.objects.filter(action="member.invitation_revoked").count() == 1


def test_reinviting_replaces_the_older_link(admin_client, client):
    first = _link(admin_client)
    second = _link(admin_client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_deactivated_member_is_reactivated_by_a_new_invitation(admin_client, agent, workspace):
    agent.email = "alice@example.com"
    agent.save()
    Membership.objects.filter(user=agent).update(is_active=False)
    path = _link(admin_client, email="alice@example.com", role="manager")
    assert client_for(agent).post(path, {"action": "join"}).status_code == 302
    membership = Membership.objects.get(user=agent, workspace=workspace)
    assert membership.is_active and membership.role == "manager"
