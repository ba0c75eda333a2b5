"""Fallback: a message its channel cannot deliver moves to the channel's fallback under
the same id, re-rendered for it, or, when the recipient's device cannot show the content
and there is no fallback channel, goes again on its own channel as simpler content (once
either way: settle fails a message that already fell back)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from inbox.models import Channel, Message, MessageStatus

from ..statuses import transition
from . import enqueue


def fall_back(message: Message, reason: str, *, code: str = "", request: bool = True) -> None:
    """Move a locked message to its channel's fallback and queue it there, once.

    The message keeps its id, so the thread shows one message marked "fell back"; the
    fallback_from mark is what stops a second fallback. `request=False`: the caller
    (the batch claim) sees that a drain takes it instead of a task of its own.
    """
    fallback: Channel = message.channel.fallback
    message.fallback_from_id = message.channel_id
    message.channel = fallback
    note = f"Falling back to {fallback.name}: {reason}"
    _requeue(message, reason, code=code, note=note, request=request)


def fall_back_to_simpler(message: Message, content: dict, reason: str, *, code: str = "") -> None:
    """Queue a locked message again on its own channel as `content`, a plainer rendering
    its adapter proposed, once: `fallback_from` set to the same channel marks it (and
    gives the resend its own idempotency key, send.idempotency_key)."""
    channel: Channel = message.channel
    message.fallback_from_id = channel.pk
    message.content = content
    note = _("Sending a simpler version on %(channel)s: %(reason)s") % {
        "channel": channel.name,
        "reason": reason,
    }
    _requeue(message, reason, code=code, note=note)


def _requeue(message: Message, reason: str, *, code: str, note: str, request: bool = True) -> None:
    """Save the fallback's changes (its channel and content set by the caller), re-render
    the text for the channel and queue the message again, with `note` in its history."""
    message.fallback_reason = reason
    message.provider_message_id = ""
    message.text = message.channel.adapter.render_text(message.content)
    message.save(
        update_fields=[
            "fallback_from",
            "fallback_reason",
            "channel",
            "content",
            "provider_message_id",
            "text",
        ]
    )
    transition(
        message,
        MessageStatus.QUEUED,
        source="fallback",
        error_code=code,
        error_message=note,
        force=True,
    )
    if request:
        enqueue.delivery(message.id)
