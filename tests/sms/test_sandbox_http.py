"""The adapter's client against the sandbox served by a real local HTTP server."""

from __future__ import annotations

import re
import socket
import threading
from urllib.parse import parse_qs

import httpx
import pytest

from channels_sms import client as twilio_client
from channels_sms import sandbox
from channels_sms.sandbox.inbound import AUTO_REPLIES
from inbox import send_loop, services
from inbox.adapters import PermanentSendError, TransientSendError
from inbox.models import Message, OrphanStatus

from .conftest import CUSTOMER, OUR_NUMBER

TEXT = {"type": "text", "text": "Your order has shipped."}


@pytest.fixture
def live_channel(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
    yield channel
    sandbox.reset(channel.config["account_sid"])


def _auth(channel) -> tuple[str, str]:
    return channel.config["account_sid"], channel.secrets["auth_token"]


def _send(channel, to: str, content: dict = TEXT):
    return channel.adapter.send(channel, to=to, content=content, message_id="m-1")


def _on_loop(coroutine):
    return send_loop.submit(coroutine).result(timeout=30)


@pytest.fixture(params=["httpx", "aiohttp"])
def send(request):
    """Both clients: the single path's (httpx, on the caller's thread) and the batch
    path's (aiohttp, on the process's send loop) must read every answer alike."""
    if request.param == "httpx":
        return _send
    return lambda channel, to, content=TEXT: _on_loop(
        channel.adapter.asend(channel, to=to, content=content, message_id="m-1")
    )


@pytest.fixture(params=["httpx", "aiohttp"])
def create(request):
    """(creds, message fields) -> the answer, through one client or the other."""
    if request.param == "httpx":
        return lambda creds, **fields: twilio_client.create_message(
            twilio_client.message_request(creds, **fields)
        )
    return lambda creds, **fields: _on_loop(
        twilio_client.acreate_message(twilio_client.message_request(creds, **fields))
    )


def test_send_returns_the_provider_id_and_the_sandbox_has_the_twilio_resource(live_channel, send):
    result = send(live_channel, CUSTOMER)
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_message_id)
    assert result.status == "sent"
    assert result.details["status"] == "queued"
    sid, _ = _auth(live_channel)
    msid = result.provider_message_id
    url = f"{sandbox.api_base_url()}/2010-04-01/Accounts/{sid}/Messages/{msid}.json"
    body = httpx.get(url, auth=_auth(live_channel)).json()
    assert body["sid"] == result.provider_message_id
    assert body["status"] == "queued"
    assert body["num_segments"] == "1" and body["num_media"] == "0"
    assert body["from"] == OUR_NUMBER and body["to"] == CUSTOMER
    assert body["direction"] == "outbound-api"
    assert body["date_created"].endswith("+0000")
    assert httpx.get(url, auth=(sid, "wrong")).status_code == 401


@pytest.mark.parametrize(
    ("to", "error", "code", "reason"),
    [
        ("+15005550001", PermanentSendError, "21211", "invalid recipient number"),
        ("+15005550004", PermanentSendError, "21610", "unsubscribed (recipient replied STOP)"),
        ("+15005550009", PermanentSendError, "21614", "the recipient is not a mobile number"),
        ("+15005550429", TransientSendError, "20429", "Twilio rate limit reached"),
        ("+15005550500", TransientSendError, "20500", "Twilio had an internal error"),
    ],
)
def test_magic_numbers_map_to_send_errors(live_channel, send, to, error, code, reason):
    with pytest.raises(error) as exc:
        send(live_channel, to)
    assert type(exc.value) is error
    assert exc.value.code == code
    assert exc.value.reason.startswith(reason)


def test_429_carries_retry_after(live_channel, send):
    sandbox.set_controls(live_channel.config["account_sid"], retry_after=12)
    with pytest.raises(TransientSendError) as exc:
        send(live_channel, "+15005550429")
    assert exc.value.retry_after == 12


def test_rfc9457_error_bodies_are_understood(live_channel, send):
    sandbox.set_controls(live_channel.config["account_sid"], error_format="rfc9457")
    with pytest.raises(PermanentSendError) as exc:
        send(live_channel, "+15005550001")
    assert exc.value.code == "21211"
    assert exc.value.reason == "invalid recipient number"


def test_wrong_credentials_are_permanent(live_channel, create):
    creds = twilio_client.Credentials(
        sandbox.api_base_url(), live_channel.config["account_sid"], "not-the-token"
    )
    with pytest.raises(PermanentSendError) as exc:
        create(creds, to=CUSTOMER, from_=OUR_NUMBER, body="hi")
    assert exc.value.code == "20003"


def test_body_over_1600_is_21617(live_channel, create):
    creds = twilio_client.Credentials(sandbox.api_base_url(), *_auth(live_channel))
    with pytest.raises(PermanentSendError) as exc:
        create(creds, to=CUSTOMER, from_=OUR_NUMBER, body="a" * 1601)
    assert exc.value.code == "21617"


def test_unreachable_provider_is_transient(create):
    from tests.support.processes import free_port

    creds = twilio_client.Credentials(f"http://127.0.0.1:{free_port()}", "AC1", "t")
    with pytest.raises(TransientSendError, match="could not reach Twilio"):
        create(creds, to=CUSTOMER, from_=OUR_NUMBER, body="hi")


@pytest.fixture
def hangs_up():
    """A server that reads each request whole and closes without answering: what a
    provider that crashed mid-request looks like. Yields its base URL and the bodies."""
    listener = socket.create_server(("127.0.0.1", 0))
    bodies: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                while len(body) < length:
                    body += conn.recv(65536)
                bodies.append(body)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", bodies
    listener.close()


def test_a_request_sent_but_never_answered_is_not_retried(hangs_up, create):
    base, bodies = hangs_up
    creds = twilio_client.Credentials(base, "AC1", "t")
    with pytest.raises(PermanentSendError, match="outcome unknown") as exc:
        create(creds, to=CUSTOMER, from_=OUR_NUMBER, body="hi")
    assert exc.value.code == "timeout"
    assert len(bodies) == 1  # it did leave: retrying could text the customer twice


def test_both_clients_send_the_same_bytes(hangs_up):
    base, bodies = hangs_up
    creds = twilio_client.Credentials(base, "AC1", "t")
    message = {
        "to": CUSTOMER,
        "from_": OUR_NUMBER,
        "body": "Caf\u00e9 & more = 100%",
        "media_urls": ["https://example.com/a.png?x=1&y=2", "https://example.com/b.jpg"],
        "status_callback": "https://inbox.example/hooks/sms/status?t=1",
    }
    request = twilio_client.message_request(creds, **message)
    for send in (
        twilio_client.create_message,
        lambda request: _on_loop(twilio_client.acreate_message(request)),
    ):
        with pytest.raises(PermanentSendError):
            send(request)
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert parse_qs(bodies[0].decode()) == {
        "To": [CUSTOMER],
        "From": [OUR_NUMBER],
        "Body": ["Caf\u00e9 & more = 100%"],
        "MediaUrl": message["media_urls"],
        "StatusCallback": [message["status_callback"]],
    }


def test_control_endpoint(live_channel):
    url = f"{sandbox.api_base_url()}/control"
    assert httpx.get(url).status_code == 401
    response = httpx.post(
        url,
        json={"block": ["+14155550199"], "server_error_next": 2, "latency_ms": 5},
        auth=_auth(live_channel),
    )
    assert response.status_code == 200
    state = response.json()
    assert state["blocked"] == ["+14155550199"]
    assert state["pending_failures"] == {"429": 0, "500": 2}
    assert state["controls"]["latency_ms"] == 5
    for _ in range(2):
        with pytest.raises(TransientSendError):
            _send(live_channel, CUSTOMER)
    assert _send(live_channel, CUSTOMER).provider_message_id
    with pytest.raises(PermanentSendError, match="unsubscribed"):
        _send(live_channel, "+14155550199")
    bad = httpx.post(url, json={"no_such_control": 1}, auth=_auth(live_channel))
    assert bad.status_code == 400
    reset = httpx.post(url, json={"reset": True}, auth=_auth(live_channel)).json()
    assert reset["blocked"] == [] and reset["controls"]["latency_ms"] == 0


def test_mms_sends_media_url_and_caption(live_channel, send):
    live_channel.config["mms"] = True
    content = {"type": "media", "url": "https://cdn.test/a.jpg", "caption": "Your receipt"}
    result = send(live_channel, CUSTOMER, content)
    assert result.provider_message_id.startswith("MM")
    stored = sandbox.handset_messages(CUSTOMER)[-1]
    assert stored["media_urls"] == ["https://cdn.test/a.jpg"]
    assert stored["body"] == "Your receipt"


def test_signed_callbacks_over_http_with_explicit_port(live_channel):
    sandbox.set_controls(live_channel.config["account_sid"], sign_with_port=True)
    result = _send(live_channel, CUSTOMER)
    # No inbox message has this id yet: the statuses wait as orphans, which proves the
    # signature (signed over the URL with :80 added) was accepted.
    assert sandbox.fire_callbacks(result.provider_message_id) == [200, 200]
    assert list(OrphanStatus.objects.order_by("pk").values_list("status", flat=True)) == [
        "sent",
        "delivered",
    ]
    raw = OrphanStatus.objects.get(status="delivered").raw
    assert re.fullmatch(r"\d{10}", raw["RawDlrDoneDate"])


def test_simulate_inbound_posts_a_signed_webhook(live_channel):
    result = sandbox.simulate_inbound(OUR_NUMBER, CUSTOMER, "Is my order on its way?")
    assert result.status_code == 200
    assert result.response_text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    message = Message.objects.get(provider_message_id=result.message_sid)
    assert message.text == "Is my order on its way?"
    expected = {"SmsStatus", "ApiVersion", "NumSegments", "AccountSid", "FromCountry", "ToCountry"}
    assert expected <= set(result.params)
    assert result.params["FromCountry"] == "US"


def test_simulate_inbound_with_media(live_channel):
    result = sandbox.simulate_inbound(
        live_channel, CUSTOMER, "", media=[("https://cdn.test/p.png", "image/png")]
    )
    assert result.status_code == 200
    message = Message.objects.get(provider_message_id=result.message_sid)
    assert message.content == {
        "type": "media",
        "url": "https://cdn.test/p.png",
        "mime_type": "image/png",
    }


def test_stop_blocks_further_sends_and_auto_replies(live_channel):
    result = sandbox.simulate_inbound(live_channel, CUSTOMER, "STOP")
    assert result.status_code == 200
    assert result.params["OptOutType"] == "STOP"
    assert not Message.objects.filter(provider_message_id=result.message_sid).exists()
    handset = sandbox.handset_messages(CUSTOMER)
    assert [m["body"] for m in handset[-2:]] == ["STOP", AUTO_REPLIES["opt_out"]]
    with pytest.raises(PermanentSendError) as exc:
        _send(live_channel, CUSTOMER)
    assert exc.value.code == "21610"
    sandbox.simulate_inbound(live_channel, CUSTOMER, "START")
    assert _send(live_channel, CUSTOMER).provider_message_id


def test_simulate_inbound_to_unknown_number(db):
    with pytest.raises(LookupError):
        sandbox.simulate_inbound("+14155550999", CUSTOMER, "hi")
