"""The async webhook lane: verify, parse and commit a webhook on the event loop.

Django's view path (inbox/webhooks.py) costs a request object, a hop to the sync thread
and back, and the ORM's connection handling for what is, at its heart, one INSERT. At
hundreds of webhooks a second that overhead is the ingest ceiling, so config/asgi.py
sends a POST here when the channel's view is the shared pipeline unchanged
(ChannelWebhookView.post not overridden: a channel with a handshake of its own keeps
its view). The adapter still verifies and parses (inbox never reads a wire format), the
row is the one `accept` would insert (accepted_row), it is committed on psycopg's async
pool, and only then is the adapter's 2xx sent. The answers match the view's
(tests/inbound_scale/test_webhook_lane.py).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs, parse_qsl

import psycopg
from django.conf import settings
from django.db import connection
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils.datastructures import CaseInsensitiveMapping
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from inbox import metrics, redis_client, webhooks
from inbox.adapters import WebhookError, WebhookRequest, get_adapter
from inbox.lean_asgi import ClientGone, off_loop, read_body
from inbox.services import inbound_queue
from inbox.services.ingest import typing_from_customer

log = logging.getLogger(__name__)

PREFIX = "/webhooks/"
_FORM = "application/x-www-form-urlencoded"
_pool: tuple[asyncio.AbstractEventLoop, AsyncConnectionPool] | None = None
_lanes: dict[str, type | None] = {}


def lane_view(path: str) -> type | None:
    """The webhook view class behind `path` when the lane may answer for it, else None."""
    if path in _lanes:
        return _lanes[path]
    try:
        match = resolve(path)
    except Resolver404:
        view = None
    else:
        view = getattr(match.func, "view_class", None)
        shared = view is not None and issubclass(view, webhooks.ChannelWebhookView)
        if not shared or view.post is not webhooks.ChannelWebhookView.post:
            view = None
    if len(_lanes) > 10_000:
        _lanes.clear()
    _lanes[path] = view
    return view


def wants_lane(scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and scope.get("path", "").startswith(PREFIX)
        and not settings.INBOUND_EVENTS_INLINE
        and lane_view(scope["path"]) is not None
    )


async def _pool_for_loop() -> AsyncConnectionPool:
    """One pool per process and event loop (a pool belongs to the loop that opened it)."""
    global _pool
    loop = asyncio.get_running_loop()
    if _pool is None or _pool[0] is not loop:
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        pool = AsyncConnectionPool(
            kwargs=params,
            min_size=1,
            max_size=settings.WEBHOOK_LANE_POOL_SIZE,
            # After a PostgreSQL restart every pooled connection is dead: checked when
            # handed out (one round trip on loopback), a dead one is replaced instead of
            # failing the provider's webhook with a 500 once the server is back.
            check=AsyncConnectionPool.check_connection,
            # While the server is down no connection passes that check: give up after a
            # few seconds and answer 503 (the provider retries) rather than hold the
            # webhook until the provider's own timeout cuts it off unanswered.
            timeout=settings.WEBHOOK_LANE_DB_WAIT_SECONDS,
            open=False,
        )
        await pool.open()
        _pool = (loop, pool)
    return _pool[1]


async def close_pool() -> None:
    """Close this process's lane pool (tests: before their database is dropped)."""
    global _pool
    if _pool is not None:
        loop, pool = _pool
        _pool = None
        if loop is asyncio.get_running_loop():
            await pool.close()


async def _body(receive) -> bytes | None:
    """The body, or None if it is past DATA_UPLOAD_MAX_MEMORY_SIZE or the caller hung up."""
    try:
        return await read_body(receive)
    except ClientGone:
        return None


async def _answer(send, status: int, content_type: str, text: str | bytes) -> None:
    body = text.encode() if isinstance(text, str) else text
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _request(scope, body: bytes) -> WebhookRequest | None:
    """The request as adapters see it (as webhooks.webhook_request builds it); None when
    the Host header names no allowed host (Django answers those 400 too)."""
    headers = CaseInsensitiveMapping(
        {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
    )
    host = headers.get("host", "")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    query_string = scope.get("query_string", b"").decode("latin-1")
    full_path = scope["path"] + (f"?{query_string}" if query_string else "")
    form = {}
    if headers.get("content-type", "").startswith(_FORM):
        for key, value in parse_qsl(
            body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
        ):
            form.setdefault(key, []).append(value)
    return WebhookRequest(
        url=settings.PUBLIC_BASE_URL + full_path,
        alt_urls=(f"{scope.get('scheme', 'http')}://{host}{full_path}",),
        method="POST",
        headers=headers,
        body=body,
        form=form,
        query=parse_qs(query_string, keep_blank_values=True),
    )


async def handle(scope, receive, send) -> None:
    view = lane_view(scope["path"])
    kind = view.kind
    token = scope["path"][len(PREFIX) :].split("/")[1]
    body = await _body(receive)
    if body is None:
        return await _answer(send, 400, "text/plain", "request body too large\n")
    channel = webhooks.cached_channel(kind, token)
    if channel is webhooks.NOT_CACHED:
        channel = await off_loop(webhooks.active_channel, kind, token)
    if channel is None:
        metrics.WEBHOOKS.labels(kind, "unknown_channel").inc()
        return await _answer(send, 404, "text/plain", "unknown channel\n")
    wreq = _request(scope, body)
    if wreq is None:
        return await _answer(send, 400, "text/plain", "bad request\n")
    adapter = get_adapter(kind)
    if not adapter.verify_webhook(channel, wreq):
        metrics.WEBHOOKS.labels(kind, "bad_signature").inc()
        return await _answer(send, 403, "text/plain", "invalid signature\n")
    try:
        events = adapter.parse_webhook(channel, wreq)
    except WebhookError as exc:
        metrics.WEBHOOKS.labels(kind, "bad_request").inc()
        return await _answer(send, 400, "text/plain", f"{exc}\n")
    row, typing = inbound_queue.accepted_row(channel, events)
    for event in typing:
        await off_loop(typing_from_customer, channel, event)
    if row is not None:
        pool = await _pool_for_loop()
        try:
            async with pool.connection() as conn:  # commits when the block ends
                await conn.execute(inbound_queue.INSERT_SQL, row.params())
        except (PoolTimeout, psycopg.OperationalError):
            log.warning("database unavailable: %s webhook refused with 503", kind)
            metrics.WEBHOOKS.labels(kind, "unavailable").inc()
            return await _answer(send, 503, "text/plain", "try again\n")
        try:
            await _kick()
        except Exception:  # committed: beat's sweep applies it (INBOUND_SWEEP_SECONDS)
            log.exception("could not wake a worker for an accepted %s webhook", kind)
    metrics.WEBHOOKS.labels(kind, "accepted").inc()
    status, content_type, ack = adapter.webhook_ack()
    await _answer(send, status, content_type, ack)


async def _kick() -> None:
    """inbound_queue.kick on the event loop: the SET NX here (no thread hop for each
    webhook: under load nearly every one finds a worker awake), the rare task send on
    a pool thread."""
    key, seconds = inbound_queue.KICK_KEY, inbound_queue.KICK_SECONDS
    if await redis_client.async_client().set(key, 1, nx=True, ex=seconds):
        await off_loop(inbound_queue.wake_worker)


def with_webhook_lane(app):
    """`app`, except that webhooks for the shared pipeline take the async lane."""

    async def application(scope, receive, send) -> None:
        if wants_lane(scope):
            return await handle(scope, receive, send)
        return await app(scope, receive, send)

    return application
