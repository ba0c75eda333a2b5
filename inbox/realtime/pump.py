"""A process's one thread for publishing live events from synchronous code.

async_to_sync(group_send) per event builds an event loop and a Redis connection every
time, and even one long-lived loop paid a full asyncio Redis round trip per event: a
delivery worker publishes four events per message (sending and sent, to the thread and
to the workspace), which was a fifth of its CPU. So events are handed to this thread's
queue, and everything waiting is published in one pipelined round trip, in order.
The caller never waits: realtime is best effort, browsers catch up from the database
when they reconnect.

Publishing speaks the Channels layer's own pub/sub format (channels_redis.pubsub: a
group is the pub/sub channel `<prefix>__group__<group>`, the message the layer's
serializer output), so every consumer in every process receives it as a group_send.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.utils.module_loading import import_string

from inbox.redis_client import client

log = logging.getLogger(__name__)

PUBSUB_BACKEND = "channels_redis.pubsub.RedisPubSubChannelLayer"
MAX_BATCH = 500


def _speaks_pubsub(backend: str) -> bool:
    """The pub/sub layer, or one built on it (inbox.realtime.relay.RelayChannelLayer)."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    try:
        layer = import_string(backend)
    except ImportError:
        return False
    return isinstance(layer, type) and issubclass(layer, RedisPubSubChannelLayer)


class Pump:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._started = False
        self._disabled = False
        self._done = threading.Condition()
        self._queued = 0
        self._published = 0

    def _start(self) -> None:
        config = settings.CHANNEL_LAYERS[DEFAULT_CHANNEL_LAYER]
        if not _speaks_pubsub(config["BACKEND"]):
            # Raised here it would fail the commit hook of whatever write published.
            log.error("realtime is off: inbox.realtime publishes with %s only", PUBSUB_BACKEND)
            self._disabled = True
            return
        prefix = config.get("CONFIG", {}).get("prefix", "asgi")
        serialize = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER).serialize
        threading.Thread(
            target=self._run, args=(prefix, serialize), name="realtime-pump", daemon=True
        ).start()

    def _run(self, prefix: str, serialize) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                pipe = client().pipeline(transaction=False)
                for group, message in batch:
                    pipe.publish(f"{prefix}__group__{group}", serialize(message))
                pipe.execute()
            except Exception:  # a push failure must never reach the write that caused it
                log.exception("realtime publish of %d events failed", len(batch))
            with self._done:
                self._published += len(batch)
                self._done.notify_all()

    def send(self, group: str, message: dict) -> None:
        if not self._started:
            with self._lock:
                if not self._started:
                    self._start()
                    self._started = True
        if self._disabled:
            return
        with self._done:
            self._queued += 1
        self._queue.put((group, message))

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until everything queued so far is published (tests, and before exit)."""
        with self._done:
            target = self._queued
            self._done.wait_for(lambda: self._published >= target, timeout)


pump = Pump()


def _reset_after_fork() -> None:
    global pump
    pump = Pump()


os.register_at_fork(after_in_child=_reset_after_fork)
