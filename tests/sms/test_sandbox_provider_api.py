"""The sandbox's provider API behind the lean ASGI route (real uvicorn), and its auth cache."""

from __future__ import annotations

import re

import httpx
import pytest

from channels_sms import sandbox
from channels_sms.sandbox import accounts
from inbox import services

from .conftest import CUSTOMER, OUR_NUMBER

TEXT = {"type": "text", "text": "Lean and faithful."}
TWILIO_KEYS = {
    "account_sid", "api_version", "body", "date_created", "date_sent", "date_updated",
    "direction", "error_code", "error_message", "from", "messaging_service_sid", "num_media",
    "num_segments", "price", "price_unit", "sid", "status", "subresource_uris", "to", "uri",
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_provider_api_over_asgi_skips_the_middleware_but_answers_like_twilio(
    asgi_server, live_settings, workspace
):
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sid, token = channel.config["account_sid"], channel.secrets["auth_token"]
    sandbox.set_controls(sid, callbacks="manual")
    base = f"{sandbox.api_base_url()}/2010-04-01/Accounts/{sid}"
    form = {"To": CUSTOMER, "From": OUR_NUMBER, "Body": "hello"}

    created = httpx.post(f"{base}/Messages.json", data=form, auth=(sid, token))
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == TWILIO_KEYS
    assert re.fullmatch(r"SM[0-9a-f]{32}", body["sid"]) and body["status"] == "queued"
    # No inbox middleware on this path: no session cookie, CSP or frame headers.
    for header in ("set-cookie", "content-security-policy", "x-frame-options", "vary"):
        assert header not in created.headers
    page = httpx.get(f"{asgi_server}/accounts/login/")
    assert "content-security-policy" in page.headers  # the app itself still has them

    fetched = httpx.get(f"{base}/Messages/{body['sid']}.json", auth=(sid, token))
    assert fetched.status_code == 200 and fetched.json()["sid"] == body["sid"]

    refused = httpx.post(f"{base}/Messages.json", data=form, auth=(sid, "f" * 32))
    assert refused.status_code == 401 and refused.json()["code"] == 20003
    assert refused.headers["www-authenticate"] == 'Basic realm="Twilio API"'
    other = httpx.post(f"{base}/Messages.json", data=form, auth=("AC" + "0" * 32, token))
    assert other.status_code == 401
    invalid = httpx.post(f"{base}/Messages.json", data={**form, "To": "12"}, auth=(sid, token))
    assert invalid.status_code == 400 and invalid.json()["code"] == 21211

    sandbox.fail_next(sid, "429", 1)
    limited = httpx.post(f"{base}/Messages.json", data=form, auth=(sid, token))
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert httpx.post(f"{base}/Messages.json", data=form, auth=(sid, token)).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_adapter_send_and_signed_callbacks_through_the_lean_route(
    asgi_server, live_settings, workspace
):
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
    result = channel.adapter.send(channel, to=CUSTOMER, content=TEXT, message_id="m-1")
    assert result.status == "sent"
    # The inbox's webhook view (full stack, same server) verifies each signature.
    assert sandbox.fire_callbacks(result.provider_message_id) == [200, 200]


def _sandbox_channel(workspace, token: str):
    config = {
        "account_sid": "AC" + "7" * 32,
        "auth_token": token,
        "from_number": OUR_NUMBER,
        "api_base_url": sandbox.api_base_url(),
    }
    return services.create_channel(workspace, kind="sms", name="SMS", config=config)


@pytest.mark.django_db
def test_a_verified_token_is_remembered_briefly_and_a_new_one_works_at_once(
    workspace, monkeypatch, django_assert_num_queries
):
    accounts.forget_verified()
    clock = [1000.0]
    monkeypatch.setattr(accounts.time, "monotonic", lambda: clock[0])
    old, new = "a" * 32, "b" * 32
    channel = _sandbox_channel(workspace, old)
    sid = channel.config["account_sid"]
    assert accounts.authenticate(sid, old)
    with django_assert_num_queries(0):
        assert accounts.authenticate(sid, old)
    assert not accounts.authenticate(sid, new)
    channel.secrets = {"auth_token": new}
    channel.save()
    assert accounts.authenticate(sid, new)  # looked up, not cached as refused
    assert accounts.authenticate(sid, old)  # the documented grace
    clock[0] += accounts.VERIFIED_SECONDS + 0.1
    assert not accounts.authenticate(sid, old)
    assert not accounts.authenticate(sid, "")
    accounts.forget_verified()
