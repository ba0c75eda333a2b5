"""A Twilio-sandbox account belongs to one workspace (channels_sms/sandbox/accounts.py).

The sandbox accepts a channel's own AccountSid/AuthToken with zero setup; without an
owner, an admin of another workspace could type someone else's AccountSid with a token of
their choosing and be let in as that account: read its messages, change its controls,
block its customers, have its callbacks signed with their token.
"""

from __future__ import annotations

import base64
import secrets

import pytest
from django.test import Client

from channels_sms import sandbox
from channels_sms.sandbox import accounts
from inbox import services


@pytest.fixture(autouse=True)
def _sandbox_on_loopback(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    accounts.forget_verified()
    yield
    accounts.forget_verified()


def _basic(sid: str, token: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()}


def _account(sid: str, token: str) -> int:
    return (
        Client()
        .get(f"/sandbox/twilio/2010-04-01/Accounts/{sid}.json", **_basic(sid, token))
        .status_code
    )


def _control(sid: str, token: str) -> int:
    return Client().get("/sandbox/twilio/control", **_basic(sid, token)).status_code


def _channel(workspace, sid: str, token: str, number: str):
    config = {
        "account_sid": sid,
        "auth_token": token,
        "from_number": number,
        "api_base_url": sandbox.api_base_url(),
    }
    return services.create_channel(workspace, kind="sms", name=number, config=config)


@pytest.mark.django_db
def test_another_workspaces_channel_naming_the_account_lends_it_no_token(
    workspace, other_workspace
):
    ours = services.create_channel(
        workspace, kind="sms", name="Acme", config=sandbox.channel_config("+14155550100")
    )
    sid, token = ours.config["account_sid"], ours.secrets["auth_token"]
    _channel(other_workspace, sid, "globex-chose-this-token", "+14155550101")

    assert _account(sid, "globex-chose-this-token") == 401
    assert _control(sid, "globex-chose-this-token") == 401
    assert accounts.token_for(sid) == token  # callbacks stay signed with the owner's
    assert _account(sid, token) == 200


@pytest.mark.django_db
def test_a_zero_setup_account_belongs_to_the_first_workspace_that_named_it(
    workspace, other_workspace
):
    sid = "AC" + secrets.token_hex(16)  # typed in the settings page, never registered
    _channel(workspace, sid, "acme-token", "+14155550102")
    _channel(other_workspace, sid, "globex-token", "+14155550103")

    assert accounts.owner_workspace_id(sid) == workspace.pk
    assert accounts.authenticate(sid, "acme-token")
    assert not accounts.authenticate(sid, "globex-token")
    assert accounts.token_for(sid) == "acme-token"


@pytest.mark.django_db
def test_an_account_opened_for_a_workspace_stays_with_it(workspace, other_workspace):
    config = sandbox.channel_config("+14155550104", workspace_id=other_workspace.pk)
    sid = config["account_sid"]
    # Acme names it first, with a token of its own: the account is still Globex's.
    _channel(workspace, sid, "acme-token", "+14155550105")
    services.create_channel(other_workspace, kind="sms", name="Globex", config=config)

    assert accounts.owner_workspace_id(sid) == other_workspace.pk
    assert not accounts.authenticate(sid, "acme-token")
