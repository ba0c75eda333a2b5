"""What the lean ASGI routes share: the ones that answer without Django's request handler,
for CPU (inbox/webhook_lane.py, the SMS sandbox's provider API in channels_sms/sandbox/).

- read_body: Django's handler would read the body and enforce DATA_UPLOAD_MAX_MEMORY_SIZE;
  these routes read the chunks here and keep the same limit, so a body past it is not
  buffered to the end. A caller hanging up mid-body is told apart (ClientGone) because the
  routes differ on it: the webhook lane answers as for a bad body, the sandbox answers
  nothing.
- off_loop: their database work runs on a pool thread, and that thread's connection is
  handed back afterwards as a request's would be (no request_finished signal here).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections


class ClientGone(Exception):
    """The caller hung up before its request was read: nothing to answer."""


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]]) -> bytes | None:
    """The whole request body, or None once it passes DATA_UPLOAD_MAX_MEMORY_SIZE.

    Raises ClientGone on `http.disconnect`.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    chunks, size = [], 0
    while True:
        event = await receive()
        if event["type"] == "http.disconnect":
            raise ClientGone
        chunk = event.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            return None
        chunks.append(chunk)
        if not event.get("more_body"):
            return b"".join(chunks)


def off_loop(fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    """Run `fn(*args)` on a pool thread (not the shared sync thread, so slow calls do not
    queue behind one another), closing that thread's stale database connection after."""

    def call():
        try:
            return fn(*args)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=False)()
