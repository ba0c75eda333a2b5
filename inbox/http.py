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
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
import threading
import weakref

import aiohttp
import httpx

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
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


def shared_client() -> httpx.Client:
    """This thread's client (created on first use, kept for the thread's life)."""
    client = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(
            timeout=DEFAULT_TIMEOUT,
            verify=_tls_context(),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=4),
        )
        _local.client = client
    return client


def basic_auth(user: str, password: str) -> str:
    """An Authorization header value (RFC 7617), the same for both clients."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = (
    weakref.WeakKeyDictionary()
)


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
            connector=aiohttp.TCPConnector(
                limit=256,
                ssl=_tls_context(),
                # Idle connections go before a server's usual keep-alive timeout (uvicorn's
                # is 5 s) could close one under a new request, whose outcome is then unknown.
                keepalive_timeout=4.0,
            ),
            timeout=aiohttp.ClientTimeout(total=None, connect=5.0, sock_read=15.0),
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
