"""A process's one event loop for talking to the Channels layer from synchronous code.

async_to_sync(group_send) per event builds an event loop and a Redis connection every
time; at hundreds of events a second that was most of a worker's CPU. Events are handed
to this loop's queue and sent one after another (so their order holds) on long-lived
connections. The caller never waits: realtime is best effort, browsers catch up from the
database when they reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers

log = logging.getLogger(__name__)


class Pump:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._queue = asyncio.Queue()
            self._loop = loop
            ready.set()
            loop.run_until_complete(self._drain())

        threading.Thread(target=run, name="realtime-pump", daemon=True).start()
        ready.wait()

    async def _drain(self) -> None:
        # Its own layer instance: the process-wide one may be in use by an event loop of
        # the server's (or a test's), and channels_redis keeps per-loop state inside it.
        layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        while True:
            group, message = await self._queue.get()
            try:
                await layer.group_send(group, message)
            except Exception:  # a push failure must never reach the write that caused it
                log.exception("realtime publish to %s failed", group)
            finally:
                self._queue.task_done()

    def send(self, group: str, message: dict) -> None:
        if self._loop is None:
            with self._lock:
                if self._loop is None:
                    self._start()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (group, message))

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until everything queued so far is sent (tests, and before exit)."""
        if self._loop is None:
            return
        done = threading.Event()

        async def marker() -> None:
            await self._queue.join()
            done.set()

        asyncio.run_coroutine_threadsafe(marker(), self._loop)
        done.wait(timeout)


pump = Pump()


def _reset_after_fork() -> None:
    global pump
    pump = Pump()


os.register_at_fork(after_in_child=_reset_after_fork)
