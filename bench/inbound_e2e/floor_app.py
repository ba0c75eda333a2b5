"""The floor: a bare ASGI endpoint over psycopg's async pool that commits one row per POST.

No Django, no signature, no parsing beyond the MessageSid: the least a durable webhook
endpoint can do on this machine, measured in the same run as the real one.
`uvicorn bench.inbound_e2e.floor_app:app` with DATABASE_URL set.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from psycopg_pool import AsyncConnectionPool

_pool: AsyncConnectionPool | None = None


async def app(scope, receive, send) -> None:
    global _pool
    if scope["type"] != "http":
        return
    if _pool is None:
        _pool = AsyncConnectionPool(os.environ["DATABASE_URL"], min_size=4, max_size=8, open=False)
        await _pool.open()
    body = b""
    while True:
        event = await receive()
        body += event.get("body", b"")
        if not event.get("more_body"):
            break
    form = parse_qs(body.decode())
    async with _pool.connection() as conn:  # autocommit off: the block commits
        await conn.execute(
            "INSERT INTO bench_floor_floorrow (key, body, created_at) VALUES (%s, %s, now())",
            [form["MessageSid"][0], form.get("Body", [""])[0]],
        )
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/xml"), (b"content-length", b"11")],
        }
    )
    await send({"type": "http.response.body", "body": b"<Response/>"})
