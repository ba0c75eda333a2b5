"""Every form that sets a password refuses common, all-digit and look-alike passwords.

AUTH_PASSWORD_VALIDATORS used to hold only the minimum length, so "password1" or the
user's own name made a valid password on the invitation, reset and change forms.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from members.services import invitations

from .test_invitations import LINK, invite

pytestmark = pytest.mark.django_db(transaction=True)

# (password, a phrase from the validator's message)
WEAK = [
    ("password1", "too common"),
    ("8237465019", "entirely numeric"),
    ("newbie2024!", "too similar to the username"),
    ("new@example.com", "too similar to the email address"),
]


@pytest.mark.parametrize(("password", "reason"), WEAK)
def test_invitation_sign_up_refuses_a_weak_password(admin_client, client, password, reason):
    invite(admin_client)  # to new@example.com
    path = LINK.search(mail.outbox[-1].body).group(1)
    response = client.post(
        path, {"username": "newbie2024", "password1": password, "password2": password}
    )
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie2024").exists()


def test_the_invitation_service_refuses_a_weak_password_without_the_form(admin_client):
    invite(admin_client)
    raw = LINK.search(mail.outbox[-1].body).group(1).split("/")[2]
    with pytest.raises(ValidationError):
        invitations.create_user_and_accept(raw, "newbie", "password1")
    assert not get_user_model().objects.filter(username="newbie").exists()


def _reset_form_path(client, agent) -> str:
    agent.email = "alice@example.com"
    agent.save()
    client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    path = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    return client.get(path, follow=True).redirect_chain[-1][0]


@pytest.mark.parametrize(
    ("password", "reason"), [WEAK[0], WEAK[1], ("alice1234", "too similar to the username")]
)
def test_password_reset_refuses_a_weak_password(client, agent, password, reason):
    form = _reset_form_path(client, agent)
    response = client.post(form, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert reason in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password("pw-alice")


def test_password_change_refuses_a_weak_password(client, agent):
    client.force_login(agent)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "pw-alice", "new_password1": "password1", "new_password2": "password1"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    agent.refresh_from_db()
    assert agent.check_password("pw-alice")


def test_a_strong_password_is_still_accepted_on_sign_up(admin_client, client):
    invite(admin_client)
    path = LINK.search(mail.outbox[-1].body).group(1)
    response = client.post(
        path,
        {"username": "newbie", "password1": "violet-harbour-88", "password2": "violet-harbour-88"},
    )
    assert response.status_code == 302
