"""The real ASGI app, plus a record of every send the sandbox accepted and when.

The sandbox stores its messages with one-second date strings, too coarse to check a
10-per-second limit; this wrapper notes the arrival time of each Messages.json POST that
was answered 201 (what the provider saw), keyed by the account, i.e. by sender.
"""

from __future__ import annotations

import os
import time

import redis.asyncio as aioredis
from django.conf import settings

from config.asgi import application as inner

from . import lean_provider

LEAN = os.environ.get("BENCH_SMS_PROVIDER") == "lean"

ACCEPTED_KEY = "bench:sms:accepted"
_client: aioredis.Redis | None = None


def _redis() -> aioredis.Redis:
    global _client
    if _client is None:
        _client = aioredis.Redis.from_url(settings.REDIS_URL)
    return _client


def _account(path: str) -> str:
    return path.split("/Accounts/", 1)[1].split("/", 1)[0]


async def application(scope, receive, send) -> None:
    path = scope.get("path", "")
    if scope["type"] != "http" or scope.get("method") != "POST":
        return await inner(scope, receive, send)
    if not path.endswith("/Messages.json") or "/Accounts/" not in path:
        return await inner(scope, receive, send)
    arrived = time.time()
    if LEAN:
        code = await lean_provider.create_message(scope, receive, send, _redis(), _account(path))
        if code == 201:
            await _redis().rpush(ACCEPTED_KEY, f"{_account(path)} {arrived:.6f} {time.time():.6f}")
        return
    status: dict[str, int] = {}

    async def watch(message) -> None:
        if message["type"] == "http.response.start":
            status["code"] = message["status"]
        await send(message)

    await inner(scope, receive, watch)
    if status.get("code") == 201:
        await _redis().rpush(ACCEPTED_KEY, f"{_account(path)} {arrived:.6f} {time.time():.6f}")
