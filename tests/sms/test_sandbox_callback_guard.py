"""The sandbox's StatusCallback passes the address guard (channels_sms/sandbox/callbacks.py).

Any sandbox account names the StatusCallback URL of its sends, and the server POSTs
there: without the guard, to its own loopback or private network (SSRF). The suite's
receivers live on loopback, so the allow-list decides here.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from channels_sms.sandbox import accounts, callbacks, store


class _Receiver(BaseHTTPRequestHandler):
    hits: list[str]

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def loopback_receiver():
    """An HTTP server on 127.0.0.1 that records what reached it: an internal service."""
    hits: list[str] = []
    handler = type("Receiver", (_Receiver,), {"hits": hits})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def _sent_message(callback_url: str) -> str:
    sid, _token = accounts.new_account()
    message = {
        "sid": "SM" + sid[2:],
        "account_sid": sid,
        "from": "+14155550100",
        "to": "+14155550111",
        "body": "hi",
        "status": "queued",
        "status_callback": callback_url,
    }
    store.save_message(message)
    return message["sid"]


@pytest.mark.django_db
def test_a_callback_to_loopback_is_refused_unless_allow_listed(settings, loopback_receiver):
    base, hits = loopback_receiver
    settings.ADDRESS_GUARD_ALLOW = []
    message_sid = _sent_message(f"{base}/internal/admin")

    assert callbacks.post(message_sid, "sent") is None
    assert hits == []  # nothing reached the internal service
    assert store.get_message(message_sid)["status"] == "sent"  # the sandbox's record moved

    settings.ADDRESS_GUARD_ALLOW = ["127.0.0.0/8"]  # what `make run` and the suite allow
    assert callbacks.post(message_sid, "delivered") == 204
    assert hits == ["/internal/admin"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://10.0.0.7/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x"]
)
def test_a_callback_to_a_private_address_is_refused(settings, caplog, url):
    settings.ADDRESS_GUARD_ALLOW = []
    assert callbacks.post(_sent_message(url), "sent") is None
    assert f"status callback to {url} refused" in caplog.text  # not tried, then failed
