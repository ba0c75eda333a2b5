"""TOTP secrets are encrypted at rest, and two-factor login works as before."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from inbox.crypto import decrypt_text
from members.totp_device import TOTPDevice

from .conftest import confirmed_device, reaches_inbox, totp_code, wrong_code

pytestmark = pytest.mark.django_db

HEX_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret


def _stored_row(device) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TOTPDevice._meta.db_table} WHERE id = %s", [device.pk])
        names = [col.name for col in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_database_holds_no_plaintext_totp_secret(client, agent):
    client.force_login(agent)
    assert client.get("/accounts/2fa/").status_code == 200  # enrollment creates the device
    device = TOTPDevice.objects.get(user=agent)
    hex_key = device.key
    assert len(hex_key) == 40
    row = _stored_row(device)
    assert not any(hex_key in str(value) for value in row.values())
    assert decrypt_text(row["key_encrypted"]) == hex_key
    # django-otp's own plaintext device table is not installed at all.
    assert "otp_totp_totpdevice" not in connection.introspection.table_names()


def test_setting_the_key_encrypts_it():
    device = TOTPDevice(name="phone")
    device.key = HEX_KEY
    assert HEX_KEY not in device.key_encrypted
    assert device.key == HEX_KEY and device.bin_key == b"12345678901234567890"


def test_two_factor_login_still_works(client, agent):
    device = confirmed_device(agent)
    client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    assert not reaches_inbox(client)
    response = client.post("/accounts/2fa/verify/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert reaches_inbox(client)


def test_a_code_is_accepted_once(agent):
    device = confirmed_device(agent)
    code = totp_code(device)
    assert device.verify_token(code)
    device.refresh_from_db()
    assert not device.verify_token(code)  # replay refused (django-otp's last_t)


def test_wrong_codes_are_throttled(client, agent):
    device = confirmed_device(agent)
    client.force_login(agent)
    assert client.post("/accounts/2fa/verify/", {"code": wrong_code(device)}).status_code == 422
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Inside the throttle delay even the right code is refused.
    assert client.post("/accounts/2fa/verify/", {"code": totp_code(device)}).status_code == 422
    assert not reaches_inbox(client)


def test_the_otpauth_url_carries_the_decrypted_secret(agent):
    device = TOTPDevice.objects.create(user=agent, name="phone", confirmed=False)
    device.key = HEX_KEY
    assert "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in device.config_url
    assert device.config_url.startswith("otpauth://totp/Inbox%3Aalice?")


def test_the_migration_encrypts_legacy_plaintext_devices_and_drops_their_table(agent):
    """A deployment upgrading from django-otp's TOTPDevice keeps its members' devices."""
    migration = importlib.import_module("members.migrations.0002_encrypted_totp_device")
    created = timezone.now().replace(microsecond=0) - timezone.timedelta(days=40)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id serial PRIMARY KEY, user_id integer,"
            " name varchar(64), confirmed boolean, key varchar(80), step smallint,"
            " t0 bigint, digits smallint, tolerance smallint, drift smallint, last_t bigint,"
            " throttling_failure_timestamp timestamptz, throttling_failure_count integer,"
            " created_at timestamptz, last_used_at timestamptz)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice (user_id, name, confirmed, key, step, t0, digits,"
            " tolerance, drift, last_t, throttling_failure_count, created_at)"
            " VALUES (%s, 'old phone', true, %s, 30, 0, 6, 1, 0, -1, 0, %s)",
            [agent.pk, HEX_KEY, created],
        )
    with connection.schema_editor() as editor:
        migration.encrypt_legacy_devices(apps, editor)

    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
    device = TOTPDevice.objects.get(user=agent)
    assert device.name == "old phone" and device.confirmed and device.created_at == created
    assert device.key == HEX_KEY and HEX_KEY not in _stored_row(device)["key_encrypted"]
    assert device.verify_token(totp_code(device))
