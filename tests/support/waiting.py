"""Waiting for what another process (the worker, the server) does, without sleeping blind."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T], *, timeout: float = 30.0, what: str = "condition") -> T:
    """Call `probe` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout:.0f}s")
        time.sleep(0.1)


def deliver_until_settled(message_id, *, timeout: float = 30.0):
    """Deliver a message in this process, tolerating a session Celery worker that may be
    delivering the same message at the same moment (deliver() lets only one of them send),
    and a sender's rate saying "not now" (Throttled: the task retries it the same way).
    Returns the message once it has left queued/sending, fallback hops included."""
    from inbox import services
    from inbox.models import Message
    from inbox.throttle import Throttled

    def settled():
        try:
            services.deliver(str(message_id))
        except Throttled:  # no slot yet, or a slot missed: the task would ask again too
            pass
        return (
            Message.objects.filter(pk=message_id).exclude(status__in=("queued", "sending")).first()
        )

    return eventually(settled, timeout=timeout, what=f"delivery of {message_id}")
