"""Websocket helpers for the realtime tests: a logged-in socket through the real ASGI stack."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application

TIMEOUT = 10  # generous upper bound for a frame to arrive, not a performance claim


def session_cookie(user) -> bytes:
    """A real login session for `user`, as the browser's cookie header would carry it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


def socket(cookie: bytes | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, "/ws/inbox/", headers=headers)


async def connected(cookie) -> WebsocketCommunicator:
    communicator = socket(cookie)
    ok, _ = await communicator.connect(timeout=TIMEOUT)
    assert ok
    return communicator


# Who is viewing and who is online ride the same socket; tests about messages skip them.
COLLABORATION = ("viewers", "presence")


async def next_frame(ws, skip=COLLABORATION) -> dict:
    while True:
        frame = await ws.receive_json_from(TIMEOUT)
        if frame.get("type") == "event" and frame.get("event") in skip:
            continue
        return frame
