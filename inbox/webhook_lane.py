"""The async webhook lane: verify, parse and commit a webhook on the event loop.

Django's view path (inbox/webhooks.py) costs a request object, a hop to the sync thread
and back, and the ORM's connection handling for what is, at its heart, one INSERT. At
hundreds of webhooks a second that overhead is the ingest ceiling, so config/asgi.py
sends a POST here when the channel's view is the shared pipeline unchanged
(ChannelWebhookView.post not overridden: a channel with a handshake of its own keeps
its view). The adapter still verifies and parses (inbox never reads a wire format), the
row is the one `accept` would insert (accepted_row), it is committed on psycopg's async
pool (with the rows of webhooks waiting beside it: inbox/group_commit.py), and only then
is the adapter's 2xx sent. The answers match the view's
(tests/inbound_scale/test_webhook_lane.py).
"""

from __future__ import annotations

import asyncio
import logging
import select
import time
import weakref
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import psycopg
from django.conf import settings
from django.db import OperationalError, connection
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils.datastructures import CaseInsensitiveMapping
from psycopg import errors as pg_errors
from psycopg import pq
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from inbox import metrics, redis_client, webhooks
from inbox.adapters import WebhookError, WebhookRequest, get_adapter
from inbox.group_commit import GroupCommit
from inbox.lean_asgi import ClientGone, off_loop, read_body
from inbox.services import inbound_queue
from inbox.services.ingest import typing_from_customer

log = logging.getLogger(__name__)

PREFIX = "/webhooks/"
_FORM = "application/x-www-form-urlencoded"
_pool: tuple[asyncio.AbstractEventLoop, AsyncConnectionPool, GroupCommit] | None = None
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


# A pooled connection used this recently, with nothing waiting on its socket, is handed
# out without a round trip (see _check).
CHECK_IDLE_SECONDS = 5.0


def _has_input(fd: int) -> bool:
    """Whether the server sent anything on an idle connection (no wait): it only does
    when it is going away (a restart's "terminating connection", then end of file)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


async def _check(conn: psycopg.AsyncConnection) -> None:
    """The pool's check as a connection is handed out, without its round trip when the
    answer is known.

    After a PostgreSQL restart every pooled connection is dead; each must be found so
    and replaced before a webhook meets it (the provider would get a 5xx once the server
    is back). psycopg_pool's check_connection asks the server: a round trip for every
    webhook (its socket write and read were, with the BEGIN and COMMIT that autocommit
    dropped, about a quarter of this process's CPU per webhook under load).
    But a server that goes away says so: on a shutdown or a killed backend the socket
    turns readable (the FATAL message, then end of file), and an idle connection that
    has nothing to read and was used moments ago is as alive as a round trip would
    prove. Anything else (input waiting, a bad status, an open transaction, idle for
    longer than CHECK_IDLE_SECONDS) gets the full check.
    """
    pgconn = conn.pgconn
    if (
        pgconn.status == pq.ConnStatus.OK
        and pgconn.transaction_status == pq.TransactionStatus.IDLE
        and time.monotonic() - _used_at.get(conn, 0.0) < CHECK_IDLE_SECONDS
        and not _has_input(pgconn.socket)
    ):
        return
    await AsyncConnectionPool.check_connection(conn)
    _used_at[conn] = time.monotonic()


# When each pooled connection last answered (the insert, the full check).
_used_at: weakref.WeakKeyDictionary[psycopg.AsyncConnection, float] = weakref.WeakKeyDictionary()


async def _committer() -> GroupCommit:
    """The loop's group commit (inbox/group_commit.py) over its pool."""
    return (await _lane_for_loop())[2]


def _mark_used(conn: psycopg.AsyncConnection) -> None:
    _used_at[conn] = time.monotonic()


async def _committed() -> None:
    """After each committed INSERT, before its webhooks are answered: wake a worker."""
    try:
        await _kick()
    except Exception:  # committed: beat's sweep applies them (INBOUND_SWEEP_SECONDS)
        log.exception("could not wake a worker for accepted webhooks")


async def _lane_for_loop() -> tuple[asyncio.AbstractEventLoop, AsyncConnectionPool, GroupCommit]:
    """One pool and group commit per process and event loop (a pool belongs to the loop
    that opened it)."""
    global _pool
    loop = asyncio.get_running_loop()
    if _pool is None or _pool[0] is not loop:
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        # Autocommit: the INSERT is its own transaction, one round trip, where BEGIN,
        # INSERT and COMMIT were three. Committed when execute() returns, so the 2xx
        # still follows the commit.
        params["autocommit"] = True
        # PostgreSQL's own placeholders (inbound_queue.insert_sql): a group's statement
        # has hundreds of parameters, past what psycopg caches of its query rewriting.
        params["cursor_factory"] = psycopg.AsyncRawCursor
        pool = AsyncConnectionPool(
            kwargs=params,
            min_size=1,
            max_size=settings.WEBHOOK_LANE_POOL_SIZE,
            # After a PostgreSQL restart every pooled connection is dead: found so as
            # it is handed out (_check) and replaced, instead of failing the provider's
            # webhook once the server is back.
            check=_check,
            # While the server is down no connection passes that check: give up after a
            # few seconds and answer 503 (the provider retries) rather than hold the
            # webhook until the provider's own timeout cuts it off unanswered.
            timeout=settings.WEBHOOK_LANE_DB_WAIT_SECONDS,
            open=False,
        )
        await pool.open()
        committer = GroupCommit(
            pool,
            inbound_queue.insert_sql,
            writers=settings.WEBHOOK_LANE_WRITERS,
            max_rows=settings.WEBHOOK_LANE_MAX_ROWS,
            after=_mark_used,
            committed=_committed,
        )
        _pool = (loop, pool, committer)
    return _pool


async def close_pool() -> None:
    """Close this process's lane pool (tests: before their database is dropped)."""
    global _pool
    if _pool is not None:
        loop, pool, committer = _pool
        _pool = None
        if loop is asyncio.get_running_loop():
            await committer.drained()
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


_counters: dict[tuple[str, str], Any] = {}


def _count(kind: str, outcome: str) -> None:
    """metrics.WEBHOOKS.labels(kind, outcome).inc(), the labelled child looked up once."""
    child = _counters.get((kind, outcome))
    if child is None:
        child = _counters[(kind, outcome)] = metrics.WEBHOOKS.labels(kind, outcome)
    child.inc()


async def _unknown_channel(send, kind: str) -> None:
    _count(kind, "unknown_channel")
    await _answer(send, 404, "text/plain", "unknown channel\n")


async def _unavailable(send, kind: str) -> None:
    """503: the provider retries once the database is back (Django's answer would be a
    500 with a traceback, retried all the same)."""
    log.warning("database unavailable: %s webhook refused with 503", kind)
    _count(kind, "unavailable")
    await _answer(send, 503, "text/plain", "try again\n")


async def _active_channel(kind: str, token: str):
    """webhooks.active_channel on a pool thread, tried again when it failed at once.

    It reads on Django's connection pool, which hands out connections unchecked: after
    a PostgreSQL restart each dead one fails one caller once and is discarded. A failure
    that came at once is such a connection (a server that is down makes the pool wait
    DB_POOL_TIMEOUT instead), so the read is tried again on another, as many times as
    the pool may hold dead ones, rather than refuse the provider's webhook. (Four tries
    were not enough: after a busy spell the pool holds more idle connections than that,
    all dead after a restart.)
    """
    attempts = _lookup_attempts()
    for attempt in range(attempts):
        started = time.monotonic()
        try:
            return await off_loop(webhooks.active_channel, kind, token)
        except OperationalError:
            if attempt + 1 == attempts or time.monotonic() - started > 1.0:
                raise


def _lookup_attempts() -> int:
    """Every connection Django's pool may hold, and one more (a fresh one)."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    size = pool.get("max_size", 0) if isinstance(pool, dict) else 0
    return max(4, size + 1)


async def handle(scope, receive, send) -> None:
    view = lane_view(scope["path"])
    kind = view.kind
    token = scope["path"][len(PREFIX) :].split("/")[1]
    body = await _body(receive)
    if body is None:
        return await _answer(send, 400, "text/plain", "request body too large\n")
    channel = webhooks.cached_channel(kind, token)
    if channel is webhooks.NOT_CACHED:
        try:
            channel = await _active_channel(kind, token)
        except OperationalError:  # the server is down: as for the insert below
            return await _unavailable(send, kind)
    if channel is None:
        return await _unknown_channel(send, kind)
    wreq = _request(scope, body)
    if wreq is None:
        return await _answer(send, 400, "text/plain", "bad request\n")
    adapter = get_adapter(kind)
    if not adapter.verify_webhook(channel, wreq):
        _count(kind, "bad_signature")
        return await _answer(send, 403, "text/plain", "invalid signature\n")
    try:
        events = adapter.parse_webhook(channel, wreq)
    except WebhookError as exc:
        _count(kind, "bad_request")
        return await _answer(send, 400, "text/plain", f"{exc}\n")
    row, typing = inbound_queue.accepted_row(channel, events)
    for event in typing:
        await off_loop(typing_from_customer, channel, event)
    if row is not None:
        try:
            # Committed with the rows of webhooks waiting beside it (group commit), a
            # worker woken (_committed), before this returns.
            await (await _committer()).commit(row.params())
        except pg_errors.ForeignKeyViolation:
            # The channel was deleted after this process remembered it (active_channel
            # keeps it CHANNEL_CACHE_SECONDS): it names no channel now, as for the view.
            webhooks.forget_channel(kind, token)
            return await _unknown_channel(send, kind)
        except (PoolTimeout, psycopg.OperationalError):
            return await _unavailable(send, kind)
    _count(kind, "accepted")
    status, content_type, ack = adapter.webhook_ack()
    await _answer(send, status, content_type, ack)


# At most one wake-up (a Redis SET NX) per this many seconds per process. Under load a
# worker is awake and nearly every SET NX fails: one per webhook cost this process a
# round trip to Redis each (about a tenth of its CPU at hundreds a second). A webhook
# committed inside the window is covered by the next wake-up, sent when the window ends
# (_kick_later): no accepted event waits longer than this for a worker to be asked.
KICK_COALESCE_SECONDS = 0.05
_kicked_at = float("-inf")  # when the last wake-up was sent (monotonic)
_kick_wanted = False  # a commit since the last wake-up was sent
_kick_task: asyncio.Task | None = None
_sleep = asyncio.sleep  # (tests hold the window open)
_clock = time.monotonic  # (tests stop it: a slow machine must not end the window early)


async def _kick() -> None:
    """inbound_queue.kick on the event loop, coalesced.

    The SET NX here (no thread hop: under load nearly every one finds a worker awake),
    the rare task send on a pool thread. Inside KICK_COALESCE_SECONDS of the last one,
    the wake-up is left to _kick_later, started here if it is not already waiting.
    """
    global _kicked_at, _kick_wanted, _kick_task
    loop = asyncio.get_running_loop()
    later = _kick_task is not None and not _kick_task.done() and _kick_task.get_loop() is loop
    if later:
        _kick_wanted = True  # its next SET is sent after this commit
        return
    now = _clock()
    if now - _kicked_at >= KICK_COALESCE_SECONDS:
        _kicked_at = now
        await _wake()
        return
    _kick_wanted = True
    _kick_task = loop.create_task(_kick_later())


async def _kick_later() -> None:
    """Send the wake-up the webhooks committed inside the window are owed, at its end;
    again for those committed while it was being sent."""
    global _kicked_at, _kick_wanted
    while _kick_wanted:
        await _sleep(max(0.0, _kicked_at + KICK_COALESCE_SECONDS - _clock()))
        _kick_wanted = False  # commits from here on get the next round
        _kicked_at = _clock()
        try:
            await _wake()
        except Exception:  # committed: beat's sweep applies them
            log.exception("could not wake a worker for accepted webhooks")


async def _wake() -> None:
    key, seconds = inbound_queue.KICK_KEY, inbound_queue.KICK_SECONDS
    if await redis_client.async_client().set(key, 1, nx=True, ex=seconds):
        await off_loop(inbound_queue.wake_worker)


async def kicks_sent() -> None:
    """Wait for a pending coalesced wake-up (tests: nothing left running after them)."""
    task = _kick_task
    if task is not None and not task.done() and task.get_loop() is asyncio.get_running_loop():
        await task


def with_webhook_lane(app):
    """`app`, except that webhooks for the shared pipeline take the async lane."""

    async def application(scope, receive, send) -> None:
        if wants_lane(scope):
            return await handle(scope, receive, send)
        return await app(scope, receive, send)

    return application
