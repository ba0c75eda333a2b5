"""Outbound: commit a queued row, enqueue after commit, deliver idempotently."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox import realtime
from inbox.adapters import OptedOutError, PermanentSendError, TransientSendError
from inbox.models import (
    Author,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageStatus,
)
from inbox.throttle import take_slot

from .consent import opt_out_reason, record_consent
from .errors import SendRejected
from .ingest import PREVIEW_LENGTH
from .statuses import adopt_orphans, transition

log = logging.getLogger(__name__)


def _enqueue(message_id) -> None:
    from inbox.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.delay(str(message_id)))


def recipient_address(conversation: Conversation, channel: Channel) -> str:
    identity = conversation.contact.identities.filter(kind="phone").first()
    if identity is None:
        identity = conversation.contact.identities.first()
    if identity is None:
        raise SendRejected(["contact: has no address to send to"])
    return identity.value


def send_message(
    conversation: Conversation,
    content: dict,
    *,
    user=None,
    author: str = Author.AGENT,
    channel: Channel | None = None,
) -> Message:
    """Queue a reply. Validation errors raise SendRejected and nothing is written."""
    channel = channel or conversation.channel
    if channel.workspace_id != conversation.workspace_id:
        raise SendRejected(["channel: not in this workspace"])
    if not channel.is_active:
        raise SendRejected(["channel: disabled"])
    adapter = channel.adapter
    errors = validate_content(content) or adapter.validate(channel, content)
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
        )
        transition(message, MessageStatus.QUEUED, source="api", at=now, force=True)
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conv.last_message_at = now
        conv.last_message_preview = text[:PREVIEW_LENGTH]
        if author == Author.AGENT and conv.waiting_since is not None:
            conv.waiting_since = None
            if conv.first_response_at is None:
                conv.first_response_at = now
        conv.save()
        _enqueue(message.id)
    realtime.message_changed(message, created=True)
    realtime.conversation_changed(conv)
    return message


def validate_content(content: dict) -> list[str]:
    """Schema checks common to every channel (channel limits are the adapter's)."""
    if not isinstance(content, dict) or not content.get("type"):
        return ["content.type: required"]
    if content["type"] == "text" and not str(content.get("text", "")).strip():
        return ["content.text: must not be empty"]
    return []


def retry_message(message: Message, *, user=None) -> Message:
    """A real new attempt through the worker, visible in the status history."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != MessageStatus.FAILED:
            raise SendRejected([f"status: only failed messages can be retried ({message.status})"])
        message.attempts = 0
        message.save(update_fields=["attempts"])
        transition(message, MessageStatus.QUEUED, source="retry", force=True)
        _enqueue(message.id)
    return message


def deliver(message_id: str) -> str:
    """Hand a queued message to its provider. Returns what happened, for the task's log.

    Only a message still `queued` is sent, under a row lock, so a duplicate task, a
    redelivered task or a sweep never sends a message the provider already accepted.
    Raises TransientSendError when the task should retry later.
    """
    message = (
        Message.objects.select_related("channel", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != MessageStatus.QUEUED:
        return "skipped"
    _wait_for_sender_slot(message)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("channel", "conversation__contact")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status != MessageStatus.QUEUED:
            return "skipped"
        message.attempts += 1
        message.save(update_fields=["attempts"])
        transition(message, MessageStatus.SENDING, source="worker")
    channel = message.channel
    try:
        to = recipient_address(message.conversation, channel)
        refusal = opt_out_reason(channel, to)  # they may have texted STOP since it was queued
        if refusal:
            raise SendRejected([refusal])
        result = channel.adapter.send(
            channel, to=to, content=message.content, message_id=str(message.id)
        )
    except TransientSendError as exc:
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=message_id)
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                transition(
                    message,
                    MessageStatus.FAILED,
                    source="worker",
                    error_code=exc.code,
                    error_message=f"{exc.reason} (gave up after {message.attempts} attempts)",
                )
                return "failed"
            transition(
                message,
                MessageStatus.QUEUED,
                source="worker",
                error_code=exc.code,
                error_message=exc.reason,
                force=True,
            )
        raise
    except (PermanentSendError, SendRejected) as exc:
        reason = exc.reason if isinstance(exc, PermanentSendError) else str(exc)
        code = exc.code if isinstance(exc, PermanentSendError) else ""
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=message_id)
            if isinstance(exc, OptedOutError):
                record_consent(
                    channel,
                    to,
                    opted_out=True,
                    source="provider",
                    conversation=message.conversation,
                )
            transition(
                message,
                MessageStatus.FAILED,
                source="worker",
                error_code=code,
                error_message=reason,
            )
        return "failed"
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.provider_message_id = result.provider_message_id
        message.save(update_fields=["provider_message_id"])
        transition(message, result.status, source="worker", raw=result.details)
        adopt_orphans(message)
    return "sent"


def _wait_for_sender_slot(message: Message) -> None:
    """Honour the sender's rate across all workers (raises Throttled to retry later)."""
    channel = message.channel
    try:
        to = recipient_address(message.conversation, channel)
    except SendRejected:
        return  # deliver() records the failure
    limit = channel.adapter.throughput(channel, to=to, content=message.content)
    if limit is not None:
        take_slot(limit)


def requeue_stuck(now=None) -> dict[str, int]:
    """The sweep: a lost broker message must not lose a reply.

    Queued too long: enqueue again (deliver() makes a duplicate harmless). Sending too
    long: the worker died mid-call and the provider may or may not have it, so it is
    failed with that reason rather than risk a double send; the agent can retry.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    from inbox.tasks import deliver_message

    queued = list(
        Message.objects.filter(status=MessageStatus.QUEUED, queued_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in queued:
        deliver_message.delay(str(pk))
    lost = 0
    for pk in Message.objects.filter(
        status=MessageStatus.SENDING, sending_at__lt=cutoff - timedelta(minutes=10)
    ).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=pk)
            if message.status == MessageStatus.SENDING:
                lost += transition(
                    message,
                    MessageStatus.FAILED,
                    source="sweep",
                    error_message="Outcome unknown: the worker stopped during the provider call",
                    force=True,
                )
    return {"requeued": len(queued), "unknown_outcome": lost}
