"""The process's event loop for provider calls, on its own thread.

A batch's calls must each leave at their rate slot, not when a thread frees up: with
a thread per call in flight, dozens of threads fought over one GIL, calls queued behind
each other and about one in ten missed its slot (bench/sms_outbound/RESULTS.md). On one
loop a call is a timer and a socket, so all of a process's calls wait their latency
together and each leaves when its timer fires. The drain threads hand calls over and
wait for the answers; they keep every database access.

Adapters without a native async send run theirs on the loop's executor
(OUTBOX_SEND_THREADS), so a blocking client never stalls the loop.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def _start() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    loop.set_default_executor(
        ThreadPoolExecutor(
            max_workers=settings.OUTBOX_SEND_THREADS,
            thread_name_prefix="outbox-send",
        )
    )
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()

    threading.Thread(target=run, name="outbox-loop", daemon=True).start()
    ready.wait()
    return loop


def loop() -> asyncio.AbstractEventLoop:
    """This process's send loop, started on first use and kept for the process's life."""
    global _loop
    if _loop is None:
        with _lock:
            if _loop is None:
                _loop = _start()
    return _loop


def submit(coroutine: Coroutine[Any, Any, T]) -> Future[T]:
    """Run `coroutine` on the send loop; the caller's thread may wait on the future."""
    return asyncio.run_coroutine_threadsafe(coroutine, loop())


def _stop() -> None:
    """At exit: close the loop's HTTP connections cleanly, then the loop."""
    if _loop is None or not _loop.is_running():
        return
    from inbox.http import close_async_session

    try:
        submit(close_async_session()).result(timeout=2)
    except Exception:  # exiting anyway; a connection left open is the kernel's to close
        pass
    _loop.call_soon_threadsafe(_loop.stop)


def _forget_after_fork() -> None:
    # The loop's thread does not survive a fork (prefork pools); the child starts its own.
    global _loop, _lock
    _loop = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_stop)
