"""Adding, editing, disabling channels from the settings pages; secrets never come back."""

from __future__ import annotations

import json

import pytest

from channels_sms.sandbox import accounts as sms_accounts
from inbox.models import AuditEntry, Channel

pytestmark = pytest.mark.django_db
TOKEN = "0123456789abcdef0123456789abcdef"


def _sms(**over):
    return {
        "name": "Support SMS",
        "provider": "sandbox",
        "custom_api_url": "",
        "account_sid": "AC" + "1" * 32,
        "auth_token": TOKEN,
        "from_number": "+1 415-555-0100",
        "max_segments": "10",
        **over,
    }


def test_add_sms_channel_stores_secret_encrypted_and_shows_it_masked(admin_client, workspace):
    response = admin_client.post("/w/acme/settings/channels/new/sms/", _sms())
    assert response.status_code == 302
    channel = Channel.objects.get(workspace=workspace)
    assert channel.config["from_number"] == "+14155550100"
    assert channel.api_base_url == sms_accounts.api_base_url()
    assert TOKEN not in channel.secrets_encrypted and channel.secrets["auth_token"] == TOKEN
    page = admin_client.get(response["Location"]).content.decode()
    assert TOKEN not in page and "••••cdef" in page
    assert f"/webhooks/sms/{channel.webhook_token}/" in page
    entry = AuditEntry.objects.get(action="channel.created")
    assert TOKEN not in json.dumps(entry.after) and entry.after["secrets"]["auth_token"]


def test_invalid_input_is_explained_and_nothing_is_written(admin_client, workspace):
    response = admin_client.post("/w/acme/settings/channels/new/sms/", _sms(auth_token=""))
    assert response.status_code == 422
    assert b'data-testid="error-auth_token"' in response.content
    # The adapter's own rules land on the fields they name.
    response = admin_client.post(
        "/w/acme/settings/channels/new/sms/", _sms(account_sid="XX123", from_number="hello")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="error-account_sid"' in page and "Must start with AC" in page
    assert 'data-testid="error-from_number"' in page
    assert not Channel.objects.exists() and not AuditEntry.objects.exists()


def test_custom_endpoint_needs_a_url(admin_client):
    response = admin_client.post(
        "/w/acme/settings/channels/new/sms/", _sms(provider="custom", custom_api_url="")
    )
    assert response.status_code == 422
    assert b'data-testid="error-custom_api_url"' in response.content


def test_edit_with_blank_secret_keeps_it_and_switches_to_the_real_provider(admin_client):
    admin_client.post("/w/acme/settings/channels/new/sms/", _sms())
    channel = Channel.objects.get()
    response = admin_client.post(
        f"/w/acme/settings/channels/{channel.pk}/",
        _sms(name="Renamed", auth_token="", provider="live"),
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.name == "Renamed" and channel.secrets["auth_token"] == TOKEN
    assert channel.api_base_url == "https://api.twilio.com"
    entry = AuditEntry.objects.get(action="channel.updated")
    assert entry.before["name"] == "Support SMS" and entry.after["name"] == "Renamed"
    form_page = admin_client.get(f"/w/acme/settings/channels/{channel.pk}/").content.decode()
    assert TOKEN not in form_page


def test_disable_and_enable_are_audited(admin_client):
    admin_client.post("/w/acme/settings/channels/new/sms/", _sms())
    channel = Channel.objects.get()
    admin_client.post(f"/w/acme/settings/channels/{channel.pk}/active/", {"active": "0"})
    channel.refresh_from_db()
    assert channel.is_active is False
    assert AuditEntry.objects.filter(action="channel.disabled").count() == 1
    admin_client.post(f"/w/acme/settings/channels/{channel.pk}/active/", {"active": "1"})
    channel.refresh_from_db()
    assert channel.is_active is True


def test_rcs_form_validates_the_key_and_offers_only_this_workspaces_sms(
    admin_client, workspace, other_workspace
):
    from inbox.services import create_channel

    theirs = create_channel(
        other_workspace,
        kind="sms",
        name="Theirs",
        config={
            "account_sid": "AC" + "2" * 32,
            "auth_token": "t" * 32,
            "from_number": "+14155550199",
        },
    )
    response = admin_client.post(
        "/w/acme/settings/channels/new/rcs/",
        {
            "name": "RCS",
            "provider": "sandbox",
            "agent_id": "a",
            "service_account_key": "{not json",
            "client_token": "tok",
            "fallback_channel": str(theirs.pk),
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="error-service_account_key"' in page
    assert 'data-testid="error-fallback_channel"' in page
    assert not Channel.objects.filter(workspace=workspace).exists()
