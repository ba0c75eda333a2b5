"""The rows a newly queued outbound message is: the message and its first status event.

Built here (unsaved) for both ways in, `send_message` (one, saved one by one) and the
bulk writer (a campaign chunk, one INSERT each), so a message written either way has
the same fields.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from inbox.models import (
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)

from ..row_inserts import insert_columns


def new_message(
    conversation: Conversation,
    channel: Channel,
    *,
    content: dict,
    text: str,
    author: str,
    user=None,
    now: datetime,
    ttl_seconds: int | None = None,
    not_before: datetime | None = None,
    campaign=None,
) -> Message:
    """An unsaved queued outbound message (a `not_before` already past is no hold)."""
    return Message(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        channel=channel,
        direction=Direction.OUTBOUND,
        author=author,
        author_user=user,
        content=content,
        text=text,
        status=MessageStatus.QUEUED,
        created_at=now,
        queued_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds) if ttl_seconds else None,
        not_before=not_before if not_before and not_before > now else None,
        campaign=campaign,
    )


def queued_event(message: Message) -> MessageStatusEvent:
    """The unsaved first entry of the message's status history."""
    return MessageStatusEvent(
        message=message, status=MessageStatus.QUEUED, at=message.queued_at, source="api"
    )


def insert_queued_events(messages: list[Message]) -> None:
    """`queued_event` of every message, in one INSERT from arrays (no instance each)."""
    insert_columns(
        MessageStatusEvent,
        {"message_id": [m.pk for m in messages], "at": [m.queued_at for m in messages]},
        fixed={"status": MessageStatus.QUEUED, "source": "api"},
    )
