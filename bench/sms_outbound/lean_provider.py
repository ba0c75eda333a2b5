"""`--provider lean`: the Messages.json endpoint alone, without Django, for the bench.

The sandbox is the real app (middleware, a database query to authenticate, half a dozen
Redis calls, a thread hop per request): about 5 ms of CPU per send, on the same two
cores as the inbox. A real provider costs the inbox nothing, so this answers POSTs to
`.../Accounts/<sid>/Messages.json` the way the sandbox does on its happy path (basic
auth against the channel's token, the sandbox's latency, a 201 with a Twilio message
body) and keeps the sandbox's store format, so the duplicate and body checks read it
unchanged. Every other request goes to the real app (asgi.py).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import os
import secrets
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async

LATENCY = int(os.environ.get("BENCH_SMS_LATENCY_MS", "100")) / 1000
_tokens: dict[str, list[str]] = {}


async def _token_ok(sid: str, token: str) -> bool:
    if sid not in _tokens:
        from channels_sms.sandbox.accounts import _channel_tokens

        _tokens[sid] = await sync_to_async(_channel_tokens)(sid)
    return any(hmac.compare_digest(t, token) for t in _tokens[sid] if t)


async def _body(receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _answer(send, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def create_message(scope, receive, send, redis, account_sid: str) -> int:
    auth = dict(scope["headers"]).get(b"authorization", b"")
    try:
        sid, _, token = base64.b64decode(auth.split(b" ", 1)[1]).decode().partition(":")
    except (IndexError, ValueError):
        sid = token = ""
    form = {k: v[0] for k, v in parse_qs((await _body(receive)).decode()).items()}
    if sid != account_sid or not await _token_ok(sid, token):
        await _answer(send, 401, {"code": 20003, "message": "Authenticate", "status": 401})
        return 401
    await asyncio.sleep(LATENCY)
    now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    message = {
        "sid": "SM" + secrets.token_hex(16),
        "account_sid": account_sid,
        "from": form.get("From", ""),
        "to": form.get("To", ""),
        "body": form.get("Body", ""),
        "status": "queued",
        "num_segments": "1",
        "direction": "outbound-api",
        "date_created": now,
        "date_updated": now,
    }
    from channels_sms.sandbox.store import MESSAGE_TTL, PREFIX

    await redis.set(f"{PREFIX}msg:{message['sid']}", json.dumps(message), ex=MESSAGE_TTL)
    await _answer(send, 201, message)
    return 201
