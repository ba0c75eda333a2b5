"""`manage.py rotate_encryption_key`: after it, the old key can leave the ring."""

from __future__ import annotations

import time

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError
from django_otp.oath import TOTP

from inbox.models import Channel
from members.totp_device import TOTPDevice
from workspace_settings.models import OutboundWebhook

from .conftest import run

COLUMNS = {
    "inbox.Channel.secrets_encrypted",
    "workspace_settings.OutboundWebhook.secret_encrypted",
    "members.TOTPDevice.key_encrypted",
}
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
TOTP_HEX = "3132333435363738393031323334353637383930"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def secrets_under_old_key(settings, workspace, agent):
    settings.SECRETS_ENCRYPTION_KEYS = [OLD_KEY]
    channel = Channel(workspace=workspace, kind="sms", name="SMS")
    channel.secrets = {"auth_token": "tw-secret"}
    channel.save()
    Channel.objects.create(workspace=workspace, kind="sms", name="no secrets")  # empty: skipped
    webhook = OutboundWebhook(workspace=workspace, url="https://crm.example.com/hook")
    webhook.secret = "whsec-1"
    webhook.save()
    device = TOTPDevice(user=agent, name="phone", confirmed=True)
    device.key = TOTP_HEX
    device.save()
    return channel, webhook, device


def _totals(**counts) -> dict:
    return {"rotated": 0, "already_current": 0, "changed_meanwhile": 0, "unreadable": 0, **counts}


def test_after_rotation_the_old_key_can_be_removed(settings, secrets_under_old_key):
    channel, webhook, device = secrets_under_old_key
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    out = run("rotate_encryption_key")
    assert out["totals"] == _totals(rotated=3)
    assert set(out["columns"]) >= COLUMNS

    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY]
    assert Channel.objects.get(pk=channel.pk).secrets == {"auth_token": "tw-secret"}
    assert OutboundWebhook.objects.get(pk=webhook.pk).secret == "whsec-1"
    device = TOTPDevice.objects.get(pk=device.pk)
    assert device.key == TOTP_HEX
    assert device.verify_token(_code(device))  # 2FA still works on the new key alone


def test_without_rotation_dropping_the_old_key_loses_the_secrets(settings, secrets_under_old_key):
    """The counterpart of the test above: the rotation is what makes removal safe."""
    channel, _, _ = secrets_under_old_key
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        _ = Channel.objects.get(pk=channel.pk).secrets


def test_rotation_is_idempotent(settings, secrets_under_old_key):
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    run("rotate_encryption_key")
    stored = list(Channel.objects.values_list("secrets_encrypted", flat=True))
    again = run("rotate_encryption_key")
    assert again["totals"] == _totals(already_current=3)
    assert list(Channel.objects.values_list("secrets_encrypted", flat=True)) == stored


def test_dry_run_counts_and_writes_nothing(settings, secrets_under_old_key):
    channel, _, _ = secrets_under_old_key
    before = Channel.objects.get(pk=channel.pk).secrets_encrypted
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = run("rotate_encryption_key", "--dry-run")
    assert out["dry_run"] is True and out["totals"] == _totals(rotated=3)
    assert Channel.objects.get(pk=channel.pk).secrets_encrypted == before


def test_a_secret_no_key_opens_fails_the_command_and_names_it(settings, secrets_under_old_key):
    channel, _, _ = secrets_under_old_key
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY]  # the old key was dropped too early
    with pytest.raises(CommandError, match=f"inbox.Channel.secrets_encrypted pk={channel.pk}"):
        run("rotate_encryption_key")
    # Nothing it could not read was touched; putting the old key back still works.
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Channel.objects.get(pk=channel.pk).secrets == {"auth_token": "tw-secret"}


def test_a_secret_saved_during_rotation_is_not_overwritten(
    settings, monkeypatch, secrets_under_old_key
):
    from inbox.crypto import reencrypt
    from inbox.services import key_rotation

    channel, _, _ = secrets_under_old_key
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    def admin_saves_meanwhile(token: str) -> str:
        if token == channel.secrets_encrypted:
            fresh = Channel.objects.get(pk=channel.pk)
            fresh.secrets = {"auth_token": "typed-by-admin"}
            fresh.save(update_fields=["secrets_encrypted"])
        return reencrypt(token)

    monkeypatch.setattr(key_rotation, "reencrypt", admin_saves_meanwhile)
    out = run("rotate_encryption_key")
    assert out["columns"]["inbox.Channel.secrets_encrypted"]["changed_meanwhile"] == 1
    assert Channel.objects.get(pk=channel.pk).secrets == {"auth_token": "typed-by-admin"}


def test_a_remembered_plaintext_is_not_opened_by_a_ring_without_its_key(settings):
    from inbox.crypto import decrypt_text, encrypt_text

    settings.SECRETS_ENCRYPTION_KEYS = [OLD_KEY]
    token = encrypt_text("auth-token")
    assert decrypt_text(token) == "auth-token"  # remembered for this ring
    settings.SECRETS_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(InvalidToken):
        decrypt_text(token)
