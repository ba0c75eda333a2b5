"""Pooled HTTP clients for calls to providers: one per thread, sharing one TLS context,
and one aiohttp session per event loop for the batch path's send loop.

Building an httpx.Client costs an SSL context (tens of milliseconds of CPU) and every
new client opens new TCP/TLS connections; at hundreds of sends a second that dominated
the worker. So clients live as long as their thread and keep their connections alive.

One client per thread rather than one per process: httpcore's pool rescans every
connection it holds, for every connection, each time a request starts or ends. A
delivery worker's 64 send threads sharing one pool meant thousands of checks per send
(a sixth of the worker's CPU). A thread makes one call at a time, so its own client
holds about one connection per provider host and the scan stays tiny. The TLS context is
built once and shared (it is thread-safe). A forked child starts afresh, because sockets
must not cross a fork.

The send loop cannot use httpx's AsyncClient for the same reason in a new shape: one loop
carries a whole process's calls, so its pool is large, and the scan cost the loop more
than a millisecond per call (see shared_async_session).

Both clients connect only where the address guard allows (inbox/address_guard.py): the
URLs they call come from admins (a channel's API base URL, an RCS key's token_uri) and
providers (media), and must not reach the deployment's own network. The check sits where
the connection is opened, on the very addresses the host resolved to, so every caller,
every redirect hop and every DNS answer is covered, and it costs nothing per request: a
kept-alive connection was checked when it opened, and aiohttp resolves a host at most
once per its DNS cache interval (10 s). A refusal raises address_guard.UnsafeTarget; a
host that does not resolve stays an ordinary connection error (retried like any other).
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
import threading
import weakref

import aiohttp
import httpcore
import httpx

from inbox import address_guard


def _read_seconds() -> float:
    """PROVIDER_TIMEOUT_SECONDS: how long a provider call may wait for its answer. Read
    at import; a script that imports this before Django is set up gets the default."""
    from django.conf import settings

    if not settings.configured:
        return 15.0
    return float(getattr(settings, "PROVIDER_TIMEOUT_SECONDS", 15.0))


DEFAULT_TIMEOUT = httpx.Timeout(_read_seconds(), connect=5.0)
_local = threading.local()
_context_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def _tls_context() -> ssl.SSLContext:
    global _context
    if _context is None:
        with _context_lock:
            if _context is None:
                _context = httpx.create_ssl_context()
    return _context


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the guard allows, the ones it checked."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = address_guard.resolve(host, port)
        except address_guard.UnresolvedHost as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        addresses = address_guard.checked_addresses(host, addresses)
        last_error: Exception | None = None
        for address in addresses:  # as socket.create_connection would, but checked
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(host)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a pool whose connections pass the address guard.

    httpx takes no network backend, so the pool it builds is replaced by the same pool
    with one (tests/services/test_guarded_http.py notices if httpx stops using it). An
    explicit transport also stops httpx from reading proxies from the environment, which
    would connect to the proxy instead and leave the target unchecked.
    """

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=verify, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(),
        )


def shared_client() -> httpx.Client:
    """This thread's client (created on first use, kept for the thread's life)."""
    client = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(
            timeout=DEFAULT_TIMEOUT,
            transport=GuardedTransport(
                verify=_tls_context(),
                limits=httpx.Limits(max_connections=16, max_keepalive_connections=4),
            ),
        )
        _local.client = client
    return client


def basic_auth(user: str, password: str) -> str:
    """An Authorization header value (RFC 7617), the same for both clients."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = (
    weakref.WeakKeyDictionary()
)


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's connector, connecting only to addresses the guard allows.

    aiohttp connects to exactly the list _resolve_host returns (IP literals included,
    which skip the resolver), so checking that list checks the connection. Its DNS cache
    sits inside, so a host is looked up at most once per cache interval, not per send.
    """

    async def _resolve_host(self, host, port, traces=None):
        results = await super()._resolve_host(host, port, traces=traces)
        address_guard.checked_addresses(
            host, [address_guard.parse_address(result["host"]) for result in results]
        )
        return results


def shared_async_session() -> aiohttp.ClientSession:
    """The running loop's client session, for the batch path's loop (inbox/send_loop.py).

    aiohttp, not httpx's AsyncClient: a send cost the loop 1.2 ms of CPU through httpx
    (most of it httpcore's pool scan, above) against 0.3 ms through aiohttp, measured on
    the same local server; at hundreds of sends a second that decides whether timers
    fire on time. A session's connections belong to the loop that opened them, so each
    loop has its own.
    """
    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        session = aiohttp.ClientSession(
            connector=GuardedConnector(
                limit=256,
                ssl=_tls_context(),
                # Idle connections go before a server's usual keep-alive timeout (uvicorn's
                # is 5 s) could close one under a new request, whose outcome is then unknown.
                keepalive_timeout=4.0,
            ),
            timeout=aiohttp.ClientTimeout(total=None, connect=5.0, sock_read=DEFAULT_TIMEOUT.read),
        )
        _sessions[loop] = session
    return session


async def close_async_session() -> None:
    """Close the running loop's session (its owner calls this before the loop ends)."""
    session = _sessions.pop(asyncio.get_running_loop(), None)
    if session is not None:
        await session.close()


def _forget_after_fork() -> None:
    global _local, _context, _context_lock, _sessions
    _local = threading.local()
    _sessions = weakref.WeakKeyDictionary()
    _context = None
    _context_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
