"""Status transitions: monotonic, timestamped, every one recorded in the history."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from inbox import realtime
from inbox.adapters import StatusUpdate
from inbox.models import Channel, Message, MessageStatus, MessageStatusEvent, OrphanStatus
from inbox.models.message import STATUS_RANK

_TIME_FIELD = {
    MessageStatus.QUEUED: "queued_at",
    MessageStatus.SENDING: "sending_at",
    MessageStatus.SENT: "sent_at",
    MessageStatus.DELIVERED: "delivered_at",
    MessageStatus.READ: "read_at",
    MessageStatus.FAILED: "failed_at",
}


def advance(
    message: Message,
    status: str,
    *,
    at: datetime,
    error_code: str = "",
    error_message: str = "",
    force: bool = False,
) -> list[str] | None:
    """The status ladder's rule, applied to the row in memory only: the fields it changed,
    or None when the move does not apply (backwards, or a late success over a failure).

    One rule for both writers: `transition` saves one row, and the batch drain applies it
    to a hundred rows before writing them in one statement.
    """
    current = message.status
    applies = force or STATUS_RANK[status] > STATUS_RANK[current]
    # A late success never overwrites a failure; a read receipt after failure is still a read.
    if not force and current == MessageStatus.FAILED and status != MessageStatus.READ:
        applies = False
    if not applies:
        return None
    message.status = status
    fields = ["status"]
    time_field = _TIME_FIELD.get(status)
    if time_field and (force or getattr(message, time_field) is None):
        setattr(message, time_field, at)
        fields.append(time_field)
    if status == MessageStatus.FAILED:
        message.error_code = error_code
        message.error_message = error_message
        fields += ["error_code", "error_message"]
    elif force:
        message.error_code = message.error_message = ""
        fields += ["error_code", "error_message"]
    return fields


def transition(
    message: Message,
    status: str,
    *,
    source: str,
    at: datetime | None = None,
    error_code: str = "",
    error_message: str = "",
    raw: dict | None = None,
    force: bool = False,
    also: tuple[str, ...] = (),
) -> bool:
    """Move `message` to `status` unless that would move it backwards; record it either way.

    `force` is for the explicit moves that leave a terminal state (a retry, a send attempt).
    `also` names fields the caller changed that ride in the same UPDATE.
    The caller holds the row (select_for_update) inside a transaction.
    """
    at = at or timezone.now()
    fields = advance(
        message, status, at=at, error_code=error_code, error_message=error_message, force=force
    )
    MessageStatusEvent.objects.create(
        message=message,
        status=status,
        at=at,
        error_code=error_code,
        error_message=error_message,
        source=source,
        applied=fields is not None,
        raw=raw or {},
    )
    if fields is None:
        if also:
            message.save(update_fields=list(also))
        return False
    message.save(update_fields=[*fields, *also])
    realtime.message_changed(message)
    return True


def apply_status(channel: Channel, update: StatusUpdate) -> Message | None:
    """Apply a provider's delivery report; unknown ids wait in OrphanStatus for the id."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(channel=channel, provider_message_id=update.provider_message_id)
            .first()
        )
        if message is None:
            OrphanStatus.objects.create(
                channel=channel,
                provider_message_id=update.provider_message_id,
                status=update.status,
                at=update.at or timezone.now(),
                error_code=update.error_code,
                error_message=update.error_message,
                raw=update.raw,
            )
            return None
        transition(
            message,
            update.status,
            source="webhook",
            at=update.at,
            error_code=update.error_code,
            error_message=update.error_message,
            raw=update.raw,
        )
        return message


def adopt_orphans(message: Message) -> None:
    """Apply status callbacks that arrived before `message`'s provider id was stored."""
    orphans = list(
        OrphanStatus.objects.filter(
            channel_id=message.channel_id, provider_message_id=message.provider_message_id
        ).order_by("at", "pk")
    )
    if not orphans:
        return
    for orphan in orphans:
        transition(
            message,
            orphan.status,
            source="webhook",
            at=orphan.at,
            error_code=orphan.error_code,
            error_message=orphan.error_message,
            raw=orphan.raw,
        )
    OrphanStatus.objects.filter(pk__in=[o.pk for o in orphans]).delete()
