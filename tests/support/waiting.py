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
    delivering the same message at the same moment (deliver() lets only one of them send).
    Returns the message once it has left queued/sending, fallback hops included."""
    from inbox import services
    from inbox.models import Message

    def settled():
        services.deliver(str(message_id))
        return (
            Message.objects.filter(pk=message_id).exclude(status__in=("queued", "sending")).first()
        )

    return eventually(settled, timeout=timeout, what=f"delivery of {message_id}")
