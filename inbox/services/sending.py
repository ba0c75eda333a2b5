"""Outbound: commit a queued row and request its delivery after commit (the outbox)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox import realtime
from inbox.models import (
    Author,
    Channel,
    Conversation,
    Message,
    MessageStatus,
)
from inbox.models.conversation import PREVIEW_LENGTH

from .consent import opt_out_reasons
from .errors import SendRejected
from .outbox import enqueue
from .outbox.recipient import recipient_addresses
from .outbox.rows import new_message, queued_event
from .send_checks import (
    SUSPENDED,
    channel_problems,
    prepare,
    recipient_problems,
    validate_content,
)
from .statuses import transition
from .workspaces import is_suspended

__all__ = ["SUSPENDED", "retry_message", "send_message", "validate_content"]


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
    `campaign` tags a campaign's message. The checks are send_checks.py's, shared with
    the bulk writer (outbox/bulk_enqueue.py) a campaign's chunk goes through."""
    channel = channel or conversation.channel
    errors = channel_problems(channel, conversation.workspace_id)
    if errors:
        raise SendRejected(errors)
    prepared = prepare(conversation, content, channel)
    address = recipient_addresses({conversation.contact_id}).get(conversation.contact_id)
    refused = opt_out_reasons(channel, [address]) if address is not None else {}
    errors = recipient_problems(address, refused)
    if errors:
        raise SendRejected(errors)
    now = timezone.now()
    with transaction.atomic():
        message = new_message(
            conversation,
            channel,
            content=prepared.content,
            text=prepared.text,
            author=author,
            user=user,
            now=now,
            ttl_seconds=ttl_seconds,
            not_before=not_before,
            campaign=campaign,
        )
        message.save(force_insert=True)
        queued_event(message).save(force_insert=True)
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conv.last_message_at = now
        conv.last_message_preview = prepared.text[:PREVIEW_LENGTH]
        if author == Author.AGENT and conv.waiting_since is not None:
            conv.waiting_since = None
            if conv.first_response_at is None:
                conv.first_response_at = now
        conv.save()
        enqueue.first_attempt(message)
    realtime.message_changed(message, created=True)
    realtime.conversation_changed(conv)
    return message


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
