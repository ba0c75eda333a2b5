"""The "test connection" button against the real sandboxes over HTTP (uvicorn)."""

from __future__ import annotations

import json

import pytest

from channels_rcs.sandbox import accounts as rcs_accounts
from channels_sms import client as sms_client
from channels_sms import sandbox as sms_sandbox
from inbox.services import create_channel

pytestmark = pytest.mark.django_db(transaction=True)


def test_sms_connection_ok_and_bad_token(asgi_server, live_settings, workspace, admin_user, client):
    channel = create_channel(
        workspace, kind="sms", name="SMS", config=sms_sandbox.channel_config("+14155550100")
    )
    client.force_login(admin_user)
    ok = client.post(f"/w/acme/settings/channels/{channel.pk}/test/")
    assert ok.status_code == 200
    assert b'data-ok="true"' in ok.content and b"Connected to account" in ok.content
    # A wrong token, through the same call the adapter makes.
    creds = sms_client.Credentials(
        api_base_url=channel.api_base_url,
        account_sid=channel.config["account_sid"],
        auth_token="f" * 32,
    )
    ok, detail = sms_client.fetch_account(creds)
    assert not ok and "401" in detail


def test_rcs_connection_ok_and_wrong_agent(asgi_server, live_settings, workspace, admin_user):
    channel = create_channel(
        workspace, kind="rcs", name="RCS", config=rcs_accounts.channel_config()
    )
    ok, detail = channel.adapter.test_connection(channel)
    assert ok, detail
    assert channel.config["agent_id"] in detail
    other_agent, _, _ = rcs_accounts.new_agent()  # owned by another service account
    channel.config = {**channel.config, "agent_id": other_agent}
    channel.save()
    ok, detail = channel.adapter.test_connection(channel)
    assert not ok and "denied" in detail


def test_connection_to_nowhere_reports_instead_of_crashing(workspace):
    config = {
        "account_sid": "AC" + "3" * 32,
        "auth_token": "x" * 32,
        "from_number": "+14155550100",
        "api_base_url": "http://127.0.0.1:9",
    }
    channel = create_channel(workspace, kind="sms", name="Nowhere", config=config)
    ok, detail = channel.adapter.test_connection(channel)
    assert not ok and "Could not reach" in detail
    assert json.dumps(detail)
