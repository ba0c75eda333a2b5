"""Sign-in protection: django-axes lockout, password reset by email, the CSP header."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from .conftest import reaches_inbox

pytestmark = pytest.mark.django_db


def _login(client, password):
    return client.post("/accounts/login/", {"username": "alice", "password": password})


def test_repeated_wrong_passwords_lock_the_account_on_that_address(client, agent, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = _login(client, "wrong")
        assert response.status_code == 200
        assert 'data-testid="login-error"' in response.content.decode()
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert 'data-testid="login-locked"' in locked.content.decode()
    # Even the right password is refused while locked.
    right = _login(client, "pw-alice")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_password_signs_in_normally(client, agent):
    response = _login(client, "pw-alice")
    assert response.status_code == 302
    assert reaches_inbox(client)


def test_test_client_login_still_works_without_a_request(client, agent):
    assert client.login(username="alice", password="pw-alice")


def test_password_reset_by_email(client, agent):
    agent.email = "alice@example.com"
    agent.save()
    page = client.get("/accounts/password_reset/")
    assert 'data-testid="reset-email"' in page.content.decode()
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    (message,) = mail.outbox
    path = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(path, follow=True)
    assert 'data-testid="reset-password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-password", "new_password2": "a-new-password"},
    )
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("a-new-password")


def test_pages_carry_a_script_self_only_policy(client, agent):
    client.force_login(agent)
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-eval'" not in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "unsafe-inline" not in script_src


def test_security_page_lists_this_workspaces_locked_out_members_only(
    client, agent, admin_user, outsider, settings
):
    import datetime as dt

    from axes.models import AccessAttempt
    from django.test import Client
    from django.utils import timezone

    settings.AXES_FAILURE_LIMIT = 2
    for username in ("alice", "eve", "mona-not-a-member"):
        for _ in range(2):
            client.post("/accounts/login/", {"username": username, "password": "wrong"})
    assert AccessAttempt.objects.count() == 3

    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/w/acme/settings/security/").content.decode()
    rows = re.findall(r'<tr data-testid="lockout-row">\s*<td>([^<]*)</td>', page)
    assert rows == ["alice"]
    assert "<td>eve</td>" not in page and "mona-not-a-member" not in page
    # Read-only: the sign-in protection section offers no form or button.
    section = page.split('id="login-throttle"')[1].split("</section>")[0]
    assert "<form" not in section and "<button" not in section

    # A lock whose cool-off has passed is no longer listed.
    AccessAttempt.objects.filter(username="alice").update(
        attempt_time=timezone.now() - dt.timedelta(days=1)
    )
    page = admin.get("/w/acme/settings/security/").content.decode()
    assert 'data-testid="lockouts-empty"' in page
