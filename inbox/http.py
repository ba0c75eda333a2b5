"""One pooled HTTP client per process for calls to providers.

Building an httpx.Client costs an SSL context (tens of milliseconds of CPU) and every
new client opens new TCP/TLS connections; at hundreds of sends a second that dominated
the worker. httpx.Client is thread-safe, so the Celery threads share this one; a forked
child gets a fresh one because sockets must not cross a fork.
"""

from __future__ import annotations

import os
import threading

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
_lock = threading.Lock()
_client: httpx.Client | None = None


def shared_client() -> httpx.Client:
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = httpx.Client(
                    timeout=DEFAULT_TIMEOUT,
                    limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
                )
    return _client


def _forget_after_fork() -> None:
    global _client, _lock
    _client = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
