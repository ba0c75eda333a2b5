"""The sandbox's provider API on its own lean ASGI route, routed by path.

The sandbox plays another company's servers, so its API needs none of the inbox's
middleware (sessions, auth, CSRF, 2FA, axes, CSP, htmx, messages): Twilio's API answers
Basic auth and JSON, and sends no cookies or security headers. Running it through the
full stack cost more CPU per send than the inbox spends delivering the message, on the
same cores. config/asgi.py sends every request under `PATH_PREFIX` here:

- a send (POST Messages.json, form-encoded) runs `api.begin` and `api.finish` on a pool
  thread and waits the provider's latency on the event loop in between. Through Django's
  handler each send cost a new thread (its per-request context) that slept the latency;
- everything else goes to Django's handler with an empty middleware chain, the same URLs
  and views (auth, bodies and errors unchanged).

Served over WSGI (Django's test live_server), the views run behind the full stack, which
changes nothing they answer; tests/sms/test_sandbox_provider_api.py holds both routes to
the same answers.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import parse_qs

from django.conf import settings

from inbox.bare_routes import BareHandler
from inbox.lean_asgi import ClientGone, off_loop, read_body

from . import api

PATH_PREFIX = "/sandbox/twilio/"
_SEND = re.compile(rf"^{PATH_PREFIX}{api.API_VERSION}/Accounts/([^/]+)/Messages\.json$")
_FORM = b"application/x-www-form-urlencoded"


# Django's ASGI handler with no middleware (the URLconf and views are the app's).
ProviderApiHandler = BareHandler


async def _write(send, answer: api.Answer) -> None:
    body = json.dumps(answer.body).encode()
    headers = [
        (b"content-type", answer.content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in answer.headers.items()),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def create_message(receive, send, account_sid: str, headers: dict[bytes, bytes]) -> None:
    """POST Messages.json: the same two steps as api.create_message, latency on the loop."""
    try:
        raw = await read_body(receive)
    except ClientGone:
        return
    if raw is None:
        too_large = {"code": 413, "message": "Request body too large", "status": 413}
        return await _write(send, api.Answer(413, too_large))
    form = parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    authorization = headers.get(b"authorization", b"").decode("latin-1")
    step = await off_loop(api.begin, account_sid, authorization, api.field_value(form, "To"))
    if isinstance(step, api.Send):
        if step.latency:
            await asyncio.sleep(step.latency)
        step = await off_loop(api.finish, step, form)
    await _write(send, step)


def _is_send(scope, headers: dict[bytes, bytes]) -> str | None:
    """The account of a form-encoded send the lean route answers, else None."""
    match = _SEND.match(scope.get("path", ""))
    if not match or scope.get("method") != "POST" or not settings.SMS_SANDBOX_ENABLED:
        return None
    return match.group(1) if headers.get(b"content-type", b"").startswith(_FORM) else None


def with_provider_api(app):
    """`app`, except that requests for the sandbox's provider API skip the middleware."""
    provider_api = ProviderApiHandler()

    async def application(scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(PATH_PREFIX):
            headers = dict(scope["headers"])
            account_sid = _is_send(scope, headers)
            if account_sid is not None:
                return await create_message(receive, send, account_sid, headers)
            return await provider_api(scope, receive, send)
        return await app(scope, receive, send)

    return application
