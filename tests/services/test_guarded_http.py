"""The provider clients (inbox/http.py) connect only where the address guard allows:
both the httpx client of single sends, tests and tokens, and the aiohttp session of the
outbox's batch path."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from channels_sms import client as sms_client
from inbox.adapters import PermanentSendError
from inbox.address_guard import UnsafeTarget
from inbox.http import close_async_session, shared_async_session, shared_client
from tests.support import fake_dns
from tests.support.http_recorder import Recorder, serving

OK = (200, {"Content-Type": "application/json"}, b'{"sid": "SM1"}')


@pytest.fixture
def internal():
    """A service on loopback, standing in for anything inside the deployment."""
    with serving(Recorder({"/": OK, "/2010-04-01/Accounts/AC1/Messages.json": OK})) as r:
        yield r


@pytest.fixture
def guard_on(settings):
    settings.ADDRESS_GUARD_ALLOW = []
    return settings


@pytest.fixture
def dns(monkeypatch):
    return fake_dns.install(monkeypatch)


def test_the_sync_client_refuses_loopback_and_never_connects(guard_on, internal):
    with pytest.raises(UnsafeTarget, match="internal address"):
        shared_client().get(internal.url + "/")
    assert internal.seen == []


def test_the_sync_client_refuses_a_name_that_resolves_inside(guard_on, internal, dns):
    dns["gateway.example"] = ["127.0.0.1"]
    with pytest.raises(UnsafeTarget, match="127.0.0.1"):
        shared_client().get(f"http://gateway.example:{internal.port}/")
    assert internal.seen == []


def test_the_allow_list_lets_a_listed_gateway_through(settings, internal, dns):
    settings.ADDRESS_GUARD_ALLOW = ["gateway.example"]
    dns["gateway.example"] = ["127.0.0.1"]
    assert shared_client().get(f"http://gateway.example:{internal.port}/").status_code == 200
    assert internal.seen[0].headers["host"] == f"gateway.example:{internal.port}"


def test_a_name_that_does_not_resolve_is_an_ordinary_connection_error(guard_on):
    # Retried like any outage, not refused for good: DNS may be back in a minute.
    with pytest.raises(httpx.ConnectError):
        shared_client().get("http://no-such-host.invalid/")


async def test_the_batch_session_refuses_loopback_and_never_connects(guard_on, internal):
    try:
        with pytest.raises(UnsafeTarget, match="internal address"):
            async with shared_async_session().get(internal.url + "/"):
                pass
    finally:
        await close_async_session()
    assert internal.seen == []


async def test_the_batch_session_refuses_a_name_that_resolves_inside(guard_on, internal, dns):
    dns["gateway.example"] = ["10.0.0.1", "127.0.0.1"]
    try:
        with pytest.raises(UnsafeTarget, match="10.0.0.1"):
            async with shared_async_session().get(f"http://gateway.example:{internal.port}/"):
                pass
    finally:
        await close_async_session()
    assert internal.seen == []


def _request(base: str) -> sms_client.MessageRequest:
    creds = sms_client.Credentials(api_base_url=base, account_sid="AC1", auth_token="secret")
    return sms_client.message_request(creds, to="+14155550100", from_="+14155550199", body="hi")


def test_an_sms_send_to_an_internal_base_url_fails_for_good_on_both_paths(guard_on, internal):
    request = _request(internal.url)
    with pytest.raises(PermanentSendError, match="internal address") as single:
        sms_client.create_message(request, client=shared_client())
    assert single.value.code == "address_refused"

    async def batch():
        try:
            return await sms_client.acreate_message(request)
        finally:
            await close_async_session()

    with pytest.raises(PermanentSendError, match="internal address") as batched:
        asyncio.run(batch())
    assert batched.value.code == "address_refused"
    assert internal.seen == []


def test_an_sms_send_to_an_allowed_base_url_goes_through(internal):
    # The suite's own allow-list (loopback), as `make run` sets it for the sandboxes.
    assert sms_client.create_message(_request(internal.url), client=shared_client())["sid"]
    assert [s.path for s in internal.seen] == ["/2010-04-01/Accounts/AC1/Messages.json"]
