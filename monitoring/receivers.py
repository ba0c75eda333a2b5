"""Figures counted from the domain's own after-commit signals (no edit to the senders)."""

from __future__ import annotations

from prometheus_client import Counter

from inbox import signals
from inbox.models import Direction, Message, MessageStatus

SENDS = Counter(
    "inbox_sends_total",
    "Outbound messages the provider accepted, per sending channel.",
    ["channel_id"],  # the sender: one channel is one number / agent / account
)


def count_send(sender, message: Message, created: bool = False, **kwargs) -> None:
    if (
        not created
        and message.direction == Direction.OUTBOUND
        and message.status == MessageStatus.SENT
    ):
        SENDS.labels(channel_id=str(message.channel_id)).inc()


def connect() -> None:
    signals.message_changed.connect(count_send, dispatch_uid="monitoring-count-send")
