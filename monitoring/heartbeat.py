"""Each Celery worker process says "alive" in Redis every few seconds; /readyz reads it.

A thread in the worker, not a beat-scheduled task: a task's heartbeat would also measure
the queue in front of it, and a busy queue is already what the apply-lag check reports.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from inbox.redis_client import client

log = logging.getLogger(__name__)

KEY = "monitoring:worker-heartbeats"
INTERVAL_SECONDS = 5.0
# Entries older than this are dropped when a worker writes (a worker renamed or gone).
FORGET_AFTER_SECONDS = 3600.0


def beat(name: str, now: float | None = None) -> None:
    """Record that worker `name` is alive now."""
    now = time.time() if now is None else now
    redis = client()
    redis.hset(KEY, name, f"{now:.3f}")
    beats = redis.hgetall(KEY)
    stale = [key for key, value in beats.items() if now - float(value) > FORGET_AFTER_SECONDS]
    if stale:
        redis.hdel(KEY, *stale)


def freshest_age(now: float | None = None) -> float | None:
    """Seconds since the most recent heartbeat of any worker (None: none ever)."""
    now = time.time() if now is None else now
    values = client().hvals(KEY)
    if not values:
        return None
    return max(0.0, now - max(float(v) for v in values))


def _run(name: str) -> None:
    while True:
        try:
            beat(name)
        except Exception:  # Redis away: /readyz says so; the worker keeps working
            log.warning("worker heartbeat could not be written", exc_info=True)
        time.sleep(INTERVAL_SECONDS)


def start(name: str) -> None:
    threading.Thread(target=_run, args=(name,), name="worker-heartbeat", daemon=True).start()


def connect_to_worker() -> None:
    """Start the heartbeat when a Celery worker is ready (and only in a worker)."""
    from celery.signals import worker_ready

    def on_ready(sender=None, **kwargs) -> None:
        start(getattr(sender, "hostname", None) or socket.gethostname())

    worker_ready.connect(on_ready, weak=False, dispatch_uid="monitoring-heartbeat")
