"""Fallback: a message its channel cannot deliver moves to the channel's fallback under
the same id, re-rendered for it (once: settle.fall_back_or_fail fails a second time)."""

from __future__ import annotations

from inbox.models import Channel, Message, MessageStatus

from ..statuses import transition
from . import enqueue


def fall_back(message: Message, reason: str, *, code: str = "") -> None:
    """Move a locked message to its channel's fallback and queue it there, once.

    The message keeps its id, so the thread shows one message marked "fell back"; the
    fallback_from mark is what stops a second fallback.
    """
    fallback: Channel = message.channel.fallback
    message.fallback_from_id = message.channel_id
    message.fallback_reason = reason
    message.channel = fallback
    message.provider_message_id = ""
    message.text = fallback.adapter.render_text(message.content)
    message.save(
        update_fields=["fallback_from", "fallback_reason", "channel", "provider_message_id", "text"]
    )
    transition(
        message,
        MessageStatus.QUEUED,
        source="fallback",
        error_code=code,
        error_message=f"Falling back to {fallback.name}: {reason}",
        force=True,
    )
    enqueue.delivery(message.id)
