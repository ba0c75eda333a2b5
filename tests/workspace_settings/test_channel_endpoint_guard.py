"""A channel's admin-set endpoints (api_base_url, an RCS key's token_uri) may not point
inside the deployment: refused when saved and when "Test connection" calls them, unless
the operator allow-lists them; what an endpoint answers is summarized, never echoed."""

from __future__ import annotations

import json

import pytest

from channels_rcs.sandbox import accounts as rcs_accounts
from inbox.models import Channel
from inbox.services import create_channel
from tests.support.http_recorder import Recorder, serving

pytestmark = pytest.mark.django_db
SID, TOKEN = "AC" + "7" * 32, "0123456789abcdef0123456789abcdef"
SECRET = "INTERNAL-ONLY-7f3a"


@pytest.fixture
def internal():
    """A service on loopback that must never be called, or never be quoted."""
    with serving(Recorder()) as r:
        yield r


@pytest.fixture
def guard_on(settings):
    settings.ADDRESS_GUARD_ALLOW = []
    return settings


def _sms_form(**over):
    return {
        "name": "Gateway SMS",
        "provider": "custom",
        "custom_api_url": "",
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+14155550100",
        "max_segments": "10",
        **over,
    }


def _rcs_key(token_uri: str) -> dict:
    return {**rcs_accounts.new_service_account_key(), "token_uri": token_uri}


def _sms_channel(workspace, base: str) -> Channel:
    config = {"account_sid": SID, "auth_token": TOKEN, "from_number": "+14155550100"}
    return create_channel(
        workspace, kind="sms", name="SMS", config={**config, "api_base_url": base}
    )


def _rcs_channel(workspace, base: str, token_uri: str) -> Channel:
    config = {
        "agent_id": "agent_1",
        "service_account_key": _rcs_key(token_uri),
        "client_token": "tok",
        "api_base_url": base,
    }
    return create_channel(workspace, kind="rcs", name="RCS", config=config)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9", "http://169.254.169.254/latest", "http://[::1]:8000"]
)
def test_an_internal_api_url_is_refused_on_save(guard_on, admin_client, workspace, url):
    response = admin_client.post(
        "/w/acme/settings/channels/new/sms/", _sms_form(custom_api_url=url)
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="error-custom_api_url"' in page
    assert "internal address" in page
    assert not Channel.objects.filter(workspace=workspace).exists()


def test_editing_to_an_internal_api_url_is_refused(guard_on, admin_client, workspace):
    channel = _sms_channel(workspace, "https://api.twilio.com")
    response = admin_client.post(
        f"/w/acme/settings/channels/{channel.pk}/",
        _sms_form(custom_api_url="http://10.1.2.3:8080", auth_token=""),
    )
    assert response.status_code == 422
    channel.refresh_from_db()
    assert channel.api_base_url == "https://api.twilio.com"


def test_an_allow_listed_on_premise_gateway_saves(settings, admin_client, workspace):
    settings.ADDRESS_GUARD_ALLOW = ["10.0.5.0/24"]
    response = admin_client.post(
        "/w/acme/settings/channels/new/sms/", _sms_form(custom_api_url="http://10.0.5.7:8080")
    )
    assert response.status_code == 302
    assert Channel.objects.get(workspace=workspace).api_base_url == "http://10.0.5.7:8080"


def test_an_rcs_key_whose_token_uri_is_internal_is_refused_on_save(
    guard_on, admin_client, workspace
):
    response = admin_client.post(
        "/w/acme/settings/channels/new/rcs/",
        {
            "name": "RCS",
            "provider": "live",
            "agent_id": "agent_1",
            "service_account_key": json.dumps(_rcs_key("http://127.0.0.1:9/token")),
            "client_token": "tok",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-testid="error-service_account_key"' in page
    assert "token_uri" in page and "internal address" in page
    assert not Channel.objects.filter(workspace=workspace).exists()


def test_sms_test_connection_refuses_an_internal_api_url(
    settings, admin_client, workspace, internal
):
    channel = _sms_channel(workspace, internal.url)  # saved while loopback was allowed
    settings.ADDRESS_GUARD_ALLOW = []
    response = admin_client.post(f"/w/acme/settings/channels/{channel.pk}/test/")
    assert b'data-ok="false"' in response.content
    assert b"internal address" in response.content
    assert internal.seen == []


def test_rcs_test_connection_refuses_an_internal_token_uri(
    settings, admin_client, workspace, internal
):
    channel = _rcs_channel(workspace, internal.url, internal.url + "/token")
    settings.ADDRESS_GUARD_ALLOW = []
    response = admin_client.post(f"/w/acme/settings/channels/{channel.pk}/test/")
    assert b'data-ok="false"' in response.content
    assert b"internal address" in response.content
    assert internal.seen == []


def test_rcs_test_connection_does_not_echo_what_the_token_endpoint_answered(
    admin_client, workspace, internal
):
    """Allowed (the suite allows loopback), but its body stays private: the admin sees
    the status and the OAuth error fields."""
    internal.routes["/token"] = (400, {"Content-Type": "text/plain"}, SECRET.encode() * 3)
    channel = _rcs_channel(workspace, internal.url, internal.url + "/token")
    response = admin_client.post(f"/w/acme/settings/channels/{channel.pk}/test/")
    page = response.content.decode()
    assert 'data-ok="false"' in page
    assert "HTTP 400" in page
    assert SECRET not in page
    assert [s.path for s in internal.seen] == ["/token"]


def test_rcs_token_refusal_keeps_the_oauth_error_fields(admin_client, workspace, internal):
    body = {"error": "invalid_grant", "error_description": "Invalid JWT", "debug": SECRET}
    internal.routes["/token"] = (
        400,
        {"Content-Type": "application/json"},
        json.dumps(body).encode(),
    )
    channel = _rcs_channel(workspace, internal.url, internal.url + "/token")
    ok, detail = channel.adapter.test_connection(channel)
    assert not ok
    assert "invalid_grant" in detail and "Invalid JWT" in detail
    assert SECRET not in detail


def test_sms_test_connection_quotes_only_a_short_provider_message(workspace, internal):
    body = {"code": 20003, "message": "x" * 500 + SECRET, "more_info": SECRET}
    internal.routes[f"/2010-04-01/Accounts/{SID}.json"] = (
        403,
        {"Content-Type": "application/json"},
        json.dumps(body).encode(),
    )
    channel = _sms_channel(workspace, internal.url)
    ok, detail = channel.adapter.test_connection(channel)
    assert not ok and "HTTP 403" in detail and "20003" in detail
    assert SECRET not in detail
