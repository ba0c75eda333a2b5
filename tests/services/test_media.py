"""Inbound media fetched from a real local HTTP server into Django storage."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage

from inbox.adapters import InboundMessage
from inbox.services import ingest
from inbox.services.media import fetch_inbound_media

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


class Files(BaseHTTPRequestHandler):
    routes = {
        "/photo.png": ("image/png", PNG),
        "/big.jpg": ("image/jpeg", b"\xff" * 4096),
        "/tool.exe": ("application/x-msdownload", b"MZ"),
    }

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path == "/flaky":
            self.send_response(503)
            self.end_headers()
            return
        mime, body = self.routes.get(self.path, (None, None))
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def media_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def media_settings(settings, tmp_path):
    settings.MEDIA_MAX_BYTES = 1024
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return settings


def media_message(channel, url, pid="MM1"):
    return ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=pid,
                sender="+14155550100",
                recipient="+15550001",
                content={"type": "media", "url": url},
                text="",
            )
        ],
    )[0]


def test_image_is_copied_into_storage(channel, media_server, media_settings):
    message = media_message(channel, media_server + "/photo.png")
    assert fetch_inbound_media(str(message.pk)) == "stored"
    message.refresh_from_db()
    assert message.content["mime_type"] == "image/png"
    assert message.content["size"] == len(PNG)
    with default_storage.open(message.content["stored_path"]) as fh:
        assert fh.read() == PNG
    assert fetch_inbound_media(str(message.pk)) == "skipped"  # idempotent


def test_oversized_media_is_refused_with_a_reason(channel, media_server, media_settings):
    message = media_message(channel, media_server + "/big.jpg")
    assert fetch_inbound_media(str(message.pk)) == "rejected"
    message.refresh_from_db()
    assert "too large" in message.content["media_error"]
    assert "stored_path" not in message.content


def test_disallowed_type_is_refused(channel, media_server, media_settings):
    message = media_message(channel, media_server + "/tool.exe")
    assert fetch_inbound_media(str(message.pk)) == "rejected"
    message.refresh_from_db()
    assert "application/x-msdownload is not accepted" in message.content["media_error"]


def test_server_error_is_retried_not_recorded(channel, media_server, media_settings):
    from inbox.adapters import TransientSendError

    message = media_message(channel, media_server + "/flaky")
    with pytest.raises(TransientSendError):
        fetch_inbound_media(str(message.pk))
    message.refresh_from_db()
    assert "media_error" not in message.content
