"""Pooled HTTP clients for calls to providers: one per thread, sharing one TLS context.

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
"""

from __future__ import annotations

import os
import ssl
import threading

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


def _forget_after_fork() -> None:
    global _local, _context, _context_lock
    _local = threading.local()
    _context = None
    _context_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
