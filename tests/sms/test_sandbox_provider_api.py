"""The sandbox's provider API behind the lean ASGI route (real uvicorn), and its auth cache."""

from __future__ import annotations

import base64
import re
import time
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from channels_sms import sandbox
from channels_sms.sandbox import accounts, store
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


# Each case: (form, what to arrange first). Answers are compared field by field, except
# what is fresh per message (sid, dates, uri).
FRESH = {"sid", "date_created", "date_updated", "uri", "subresource_uris"}
MMS = [("To", CUSTOMER), ("From", OUR_NUMBER), ("MediaUrl", "https://example.com/a.png"),
       ("MediaUrl", "https://example.com/b.png")]  # fmt: skip
CASES = [
    ("sms", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "hello")], None),
    ("unicode", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "Olá 👋")], None),
    ("mms", MMS, None),
    ("last To wins", [("To", "12"), ("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "x")], None),
    ("no body", [("To", CUSTOMER), ("From", OUR_NUMBER)], None),
    ("no from", [("To", CUSTOMER), ("Body", "x")], None),
    ("bad to", [("To", "12"), ("From", OUR_NUMBER), ("Body", "x")], None),
    ("too long", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "x" * 1601)], None),
    ("blocked", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "x")], "block"),
    ("rate limited", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "x")], "429"),
    ("problem shape", [("To", "12"), ("From", OUR_NUMBER), ("Body", "x")], "rfc9457"),
    ("bad token", [("To", CUSTOMER), ("From", OUR_NUMBER), ("Body", "x")], "bad token"),
]


def _arrange(sid: str, setup: str | None) -> None:
    sandbox.reset(sid)
    sandbox.set_controls(sid, callbacks="manual")
    if setup == "block":
        store.block(sid, CUSTOMER)
    elif setup == "429":
        sandbox.fail_next(sid, "429", 1)
    elif setup == "rfc9457":
        sandbox.set_controls(sid, error_format="rfc9457")


def _account(workspace) -> tuple[str, str, str]:
    """A sandbox account's sid and token, and its Messages.json URL on the ASGI server."""
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sid, token = channel.config["account_sid"], channel.secrets["auth_token"]
    return sid, token, f"{sandbox.api_base_url()}/2010-04-01/Accounts/{sid}/Messages.json"


def _comparable(status: int, headers, body: dict) -> tuple:
    kept = {k: v for k, v in body.items() if k not in FRESH}
    named = ("content-type", "retry-after", "www-authenticate")
    return status, {h: headers.get(h) for h in named}, kept


@pytest.mark.django_db(transaction=True)
def test_a_send_answers_the_same_on_the_lean_route_and_through_django(
    asgi_server, live_settings, workspace, client
):
    sid, token, url = _account(workspace)
    assert url.startswith(asgi_server)
    for name, form, setup in CASES:
        secret = "f" * 32 if setup == "bad token" else token
        _arrange(sid, setup)
        fields: dict[str, list[str]] = {}
        for key, value in form:  # repeated keys keep their order, as on the wire
            fields.setdefault(key, []).append(value)
        lean = httpx.post(url, data=fields, auth=(sid, secret))
        _arrange(sid, setup)
        full = client.post(
            urlsplit(url).path,
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{sid}:{secret}".encode()).decode(),
        )
        assert _comparable(lean.status_code, lean.headers, lean.json()) == _comparable(
            full.status_code, full.headers, full.json()
        ), name
        if lean.status_code == 201:  # accepted, and kept as the provider's record
            assert store.get_message(lean.json()["sid"])["body"] == lean.json()["body"]
    sandbox.reset(sid)


@pytest.mark.django_db(transaction=True)
def test_the_lean_route_waits_the_configured_latency_and_refuses_a_huge_body(
    asgi_server, live_settings, workspace
):
    sid, token, url = _account(workspace)
    sandbox.set_controls(sid, callbacks="manual", latency_ms=300)
    form = {"To": CUSTOMER, "From": OUR_NUMBER, "Body": "slow provider"}
    started = time.monotonic()
    assert httpx.post(url, data=form, auth=(sid, token)).status_code == 201
    assert time.monotonic() - started >= 0.3  # a lower bound: the provider's own wait

    huge = httpx.post(url, data={**form, "Body": "x" * 3_000_000}, auth=(sid, token))
    assert huge.status_code == 413 and huge.json()["code"] == 413
    sandbox.reset(sid)
