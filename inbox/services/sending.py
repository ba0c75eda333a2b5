"""Outbound: commit a queued row and request its delivery after commit (the outbox)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from inbox import realtime
from inbox.content import validate
from inbox.models import (
    Author,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)
from inbox.models.conversation import PREVIEW_LENGTH
from inbox.storable import storable

from .consent import opt_out_reason
from .customer_language import with_customer_language
from .errors import SendRejected
from .outbox import enqueue
from .outbox.recipient import recipient_address
from .statuses import transition
from .workspaces import is_suspended

# Replies already queued when an operator suspends the workspace wait for the resume
# (delivery skips them); new ones are refused here, with this reason, and nothing written.
SUSPENDED = "workspace: suspended by the operator; nothing can be sent until it is resumed"


def send_message(
    conversation: Conversation,
    content: dict,
    *,
    user=None,
    author: str = Author.AGENT,
    channel: Channel | None = None,
    ttl_seconds: int | None = None,
    not_before: datetime | None = None,
    campaign=None,
) -> Message:
    """Queue a reply. Validation errors raise SendRejected and nothing is written.

    `not_before` holds it in `queued` until then (the outbox's sweep releases it);
    `campaign` tags a campaign's message."""
    content = storable(content)  # a NUL from an API client or a form is dropped, not a 500
    channel = channel or conversation.channel
    if channel.workspace_id != conversation.workspace_id:
        raise SendRejected(["channel: not in this workspace"])
    if not channel.is_active:
        raise SendRejected(["channel: disabled"])
    if is_suspended(conversation.workspace_id):
        raise SendRejected([SUSPENDED])
    content = with_customer_language(content, conversation.contact, channel)
    adapter = channel.adapter
    errors = (
        validate_content(content)
        or adapter.validate(channel, content)
        or adapter.validate_for_conversation(channel, conversation=conversation, content=content)
    )
    if errors:
        raise SendRejected(errors)
    refusal = opt_out_reason(channel, recipient_address(conversation, channel))
    if refusal:
        raise SendRejected([refusal])
    text = adapter.render_text(content)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
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
        MessageStatusEvent.objects.create(
            message=message, status=MessageStatus.QUEUED, at=now, source="api"
        )
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conv.last_message_at = now
        conv.last_message_preview = text[:PREVIEW_LENGTH]
        if author == Author.AGENT and conv.waiting_since is not None:
            conv.waiting_since = None
            if conv.first_response_at is None:
                conv.first_response_at = now
        conv.save()
        enqueue.first_attempt(message)
    realtime.message_changed(message, created=True)
    realtime.conversation_changed(conv)
    return message


def validate_content(content: dict) -> list[str]:
    """Schema checks common to every channel (channel limits are the adapter's)."""
    if isinstance(content, dict) and content.get("type") == "text":
        if not str(content.get("text", "")).strip():
            return ["content.text: must not be empty"]
    return validate(content)


def retry_message(message: Message, *, user=None) -> Message:
    """A real new attempt through the worker, visible in the status history."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != MessageStatus.FAILED:
            raise SendRejected([f"status: only failed messages can be retried ({message.status})"])
        if is_suspended(message.workspace_id):
            raise SendRejected([SUSPENDED])
        message.attempts = 0
        message.save(update_fields=["attempts"])
        transition(message, MessageStatus.QUEUED, source="retry", force=True)
        enqueue.first_attempt(message)
    return message
