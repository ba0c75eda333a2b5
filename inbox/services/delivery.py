"""Delivery: the worker's side of the outbox, idempotent, rate-limited, with fallback.

Only a message still `queued` is sent, claimed under a row lock, so a duplicate task, a
redelivered task or a sweep never sends a message the provider already accepted.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from inbox import media_links
from inbox.adapters import (
    NotReachable,
    OptedOutError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from inbox.models import Channel, Message, MessageStatus
from inbox.throttle import reserve_slot, wait_for

from .consent import opt_out_reason, record_consent
from .errors import SendRejected
from .sending import enqueue_delivery, recipient_address
from .statuses import adopt_orphans, transition
from .workspaces import is_suspended

log = logging.getLogger(__name__)


def deliver(message_id: str) -> str:
    """Hand a queued message to its provider; returns what happened, for the task log.

    Raises TransientSendError when the task should retry later, Throttled when the
    sender's rate has no slot soon enough.
    """
    message = (
        Message.objects.select_related("channel", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != MessageStatus.QUEUED:
        return "skipped"
    if is_suspended(message.workspace_id):
        return "held"  # stays queued; resume_workspace requests its delivery again
    channel = message.channel
    try:
        to = recipient_address(message.conversation, channel)
    except SendRejected as exc:
        return fail(message_id, reason=str(exc))
    if channel.fallback_id and channel.adapter.reachable(channel, to) is False:
        return _fall_back(message_id, f"{to} is not reachable on {channel.name}")
    refusal = opt_out_reason(channel, to)  # they may have texted STOP since queueing
    if refusal:
        return fail(message_id, reason=refusal)
    limit = channel.adapter.throughput(channel, to=to, content=message.content)
    slot = reserve_slot(limit) if limit is not None else None
    if not _claim(message_id):
        return "skipped"
    release_connection()
    if slot is not None:
        wait_for(slot)  # last thing before the call, so sends keep the sender's spacing
    try:
        result = channel.adapter.send(
            channel,
            to=to,
            content=media_links.for_provider(message.content, message.workspace_id),
            message_id=str(message.id),
        )
    except TransientSendError as exc:
        return _back_to_queue(message_id, exc)
    except NotReachable as exc:
        if channel.fallback_id:
            return _fall_back(message_id, exc.reason, code=exc.code)
        return fail(message_id, reason=exc.reason, code=exc.code)
    except OptedOutError as exc:
        record_consent(channel, to, opted_out=True, source="provider")
        return fail(message_id, reason=exc.reason, code=exc.code)
    except PermanentSendError as exc:
        return fail(message_id, reason=exc.reason, code=exc.code)
    except Exception as exc:
        # A bug, not a provider answer. The provider may or may not have the message, so
        # it is not retried blindly; the agent sees the failure at once and can retry.
        log.exception("adapter %s crashed sending %s", channel.kind, message_id)
        fail(message_id, reason=f"Unexpected error while sending ({type(exc).__name__})")
        raise
    _record_accepted(message_id, result)
    return "sent"


def release_connection() -> None:
    """Hand the database connection back to the pool for the provider call.

    A worker thread would otherwise hold a pooled connection through the whole HTTP
    round trip (100 ms and more), and threads beyond the pool size queue for connections
    while the database sits idle. Without a pool, closing would cost a reconnect: keep it.
    """
    if getattr(connection, "pool", None) is not None:
        connection.close()


def _locked(message_id: str) -> Message:
    return Message.objects.select_for_update().get(pk=message_id)


def _claim(message_id: str) -> bool:
    with transaction.atomic():
        message = _locked(message_id)
        if message.status != MessageStatus.QUEUED:
            return False
        message.attempts += 1
        transition(message, MessageStatus.SENDING, source="worker", also=("attempts",))
    return True


def _record_accepted(message_id: str, result: SendResult) -> None:
    with transaction.atomic():
        message = _locked(message_id)
        message.provider_message_id = result.provider_message_id
        transition(
            message,
            result.status,
            source="worker",
            raw=result.details,
            also=("provider_message_id",),
        )
        adopt_orphans(message)


def _back_to_queue(message_id: str, exc: TransientSendError) -> str:
    if _requeue(message_id, exc) == "failed":
        return "failed"
    raise exc


def requeue_for_retry(message_id: str, exc: TransientSendError) -> str:
    """The batch path's transient error: back to queued, retried by its own task with
    backoff (attempts > 0 keeps it out of the batch claim, so the backoff holds)."""
    outcome = _requeue(message_id, exc)
    if outcome == "queued":
        from inbox.tasks import backoff_seconds, deliver_message

        with transaction.atomic():
            attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True)
            countdown = backoff_seconds(attempts.first() or 1, exc.retry_after)
            transaction.on_commit(
                lambda: deliver_message.apply_async((message_id,), countdown=countdown)
            )
    return outcome


def _requeue(message_id: str, exc: TransientSendError) -> str:
    with transaction.atomic():
        message = _locked(message_id)
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            reason = f"{exc.reason} (gave up after {message.attempts} attempts)"
            transition(
                message,
                MessageStatus.FAILED,
                source="worker",
                error_code=exc.code,
                error_message=reason,
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
    return "queued"


def fail(message_id: str, *, reason: str, code: str = "") -> str:
    with transaction.atomic():
        transition(
            _locked(message_id),
            MessageStatus.FAILED,
            source="worker",
            error_code=code,
            error_message=reason,
        )
    return "failed"


def _fall_back(message_id: str, reason: str, *, code: str = "") -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("channel").get(pk=message_id)
        if message.status not in (MessageStatus.QUEUED, MessageStatus.SENDING):
            return "skipped"
        if message.fallback_from_id:
            return fail(message_id, reason=reason, code=code)
        fall_back(message, reason, code=code)
    return "fell back"


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
    enqueue_delivery(message.id)


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
        Message.objects.filter(
            status=MessageStatus.QUEUED,
            queued_at__lt=cutoff,
            workspace__suspended_at__isnull=True,  # held until the resume, not stuck
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in queued:
        deliver_message.delay(str(pk))
    from .delivery_batch import kick

    kick()  # a lost drain task leaves first attempts queued; this drains them
    lost = 0
    for pk in Message.objects.filter(
        status=MessageStatus.SENDING, sending_at__lt=cutoff - timedelta(minutes=10)
    ).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            message = _locked(pk)
            if message.status == MessageStatus.SENDING:
                lost += transition(
                    message,
                    MessageStatus.FAILED,
                    source="sweep",
                    error_message="Outcome unknown: the worker stopped during the provider call",
                    force=True,
                )
    return {"requeued": len(queued), "unknown_outcome": lost}
