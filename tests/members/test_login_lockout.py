"""Login lockout per account: a new address (real or forged) does not buy more guesses.

members/login_throttle.py, members/services/lockouts.py, AXES_* in config/settings.py.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from members.services import lockouts

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"


def _login(client, password, address=ATTACKER, **headers):
    return client.post(
        "/accounts/login/",
        {"username": "alice", "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _five_wrong(client, address=ATTACKER):
    for _ in range(5):
        _login(client, "wrong", address)


def test_the_right_password_with_a_forged_forwarded_for_is_refused_after_five_wrong(client, agent):
    _five_wrong(client)
    response = _login(client, "pw-alice", address="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert 'data-testid="login-locked"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_guesses_spread_over_many_addresses_lock_the_account(client, agent):
    for n in range(5):
        _login(client, "wrong", address=f"198.51.100.{n + 10}")
    assert _login(client, "pw-alice", address="198.51.100.99").status_code == 429


def test_django_records_the_peer_address_never_the_forwarded_header(client, agent):
    _login(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]


def test_the_locked_page_says_when_to_try_again(client, agent):
    _five_wrong(client)
    response = _login(client, "pw-alice")
    page = response.content.decode()
    last_failure = AccessAttempt.objects.get(username="alice").attempt_time
    retry_at = last_failure + dt.timedelta(minutes=15)  # LOGIN_COOLOFF_HOURS 0.25
    retry = re.search(r'data-testid="login-retry-at">([^<]*)<time datetime="([^"]+)"', page)
    assert retry is not None, page
    assert retry.group(1).strip().startswith("Try again in ")
    assert "minute" in retry.group(1)
    assert dt.datetime.fromisoformat(retry.group(2)) == retry_at


def test_refused_attempts_during_the_lock_do_not_push_the_retry_time_back(client, agent):
    _five_wrong(client)
    before = lockouts.lockout_for("alice")
    for _ in range(3):
        assert _login(client, "wrong", address="192.0.2.1").status_code == 429
    after = lockouts.lockout_for("alice")
    assert after is not None and after.locked_until == before.locked_until


def test_the_lock_lifts_after_the_cool_off(client, agent):
    _five_wrong(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert lockouts.lockout_for("alice") is None
    assert _login(client, "pw-alice").status_code == 302


def test_security_page_counts_a_members_failures_from_every_address(
    agent, admin_user, outsider, settings
):
    guesser = Client()
    for n in range(5):
        guesser.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{n + 10}",
        )
    guesser.post(
        "/accounts/login/", {"username": "eve", "password": "wrong"}, REMOTE_ADDR="192.0.2.9"
    )
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get("/w/acme/settings/security/").content.decode()
    rows = re.findall(
        r'<tr data-testid="lockout-row">\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td>(\d+)</td>',
        page,
    )
    assert rows == [("alice", "198.51.100.14", "5")]
