"""Status transitions: monotonic, timestamped, every one recorded in the history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from inbox import realtime
from inbox.adapters import StatusUpdate
from inbox.models import Channel, Message, MessageStatus, MessageStatusEvent, OrphanStatus
from inbox.models.message import STATUS_RANK

from .note_language import stored_text

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
        message.error_message = stored_text(error_message, message.workspace_id)
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
    error_message = stored_text(error_message, message.workspace_id)
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
                error_message=stored_text(update.error_message, channel.workspace_id),
                raw=update.raw,
            )
            _adopt_after_commit([(channel.pk, update.provider_message_id)])
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


def apply_statuses(updates: list[tuple[Channel, StatusUpdate]]) -> list[Message]:
    """Many delivery reports at once, with `apply_status`'s rules for each, in order.

    One locking read for all the messages they name, one insert for their history, one
    for the orphans, one UPDATE for the rows that moved: a campaign's callbacks (sent,
    delivered, read for every recipient) are most of what arrives. Returns the messages
    that changed, each told to listeners once. The caller holds a transaction.
    """
    if not updates:
        return []
    wanted: dict[int, set[str]] = {}
    for channel, update in updates:
        wanted.setdefault(channel.pk, set()).add(update.provider_message_id)
    where = Q()
    for channel_id, ids in wanted.items():
        where |= Q(channel_id=channel_id, provider_message_id__in=ids)
    found = {
        (m.channel_id, m.provider_message_id): m
        # Locked in primary-key order: two writers locking overlapping rows wait, not deadlock.
        for m in Message.objects.select_for_update().filter(where).order_by("pk")
    }
    history: list[MessageStatusEvent] = []
    orphans: list[OrphanStatus] = []
    changed: dict = {}
    fields: set[str] = set()
    for channel, update in updates:
        message = found.get((channel.pk, update.provider_message_id))
        at = update.at or timezone.now()
        error_message = stored_text(update.error_message, channel.workspace_id)
        if message is None:
            orphans.append(
                OrphanStatus(
                    channel=channel,
                    provider_message_id=update.provider_message_id,
                    status=update.status,
                    at=at,
                    error_code=update.error_code,
                    error_message=error_message,
                    raw=update.raw,
                )
            )
            continue
        moved = advance(
            message,
            update.status,
            at=at,
            error_code=update.error_code,
            error_message=error_message,
        )
        history.append(
            MessageStatusEvent(
                message=message,
                status=update.status,
                at=at,
                error_code=update.error_code,
                error_message=error_message,
                source="webhook",
                applied=moved is not None,
                raw=update.raw or {},
            )
        )
        if moved is not None:
            changed[message.pk] = message
            fields.update(moved)
    MessageStatusEvent.objects.bulk_create(history)
    OrphanStatus.objects.bulk_create(orphans)
    _adopt_after_commit([(o.channel_id, o.provider_message_id) for o in orphans])
    if changed:
        _write_moved(list(changed.values()), sorted(fields))
    for message in changed.values():
        realtime.message_changed(message)
    return list(changed.values())


def _write_moved(messages: list[Message], names: list[str]) -> None:
    """One UPDATE ... FROM (VALUES ...) for every moved row.

    Django's bulk_update builds a CASE per field per row, and compiling that cost more
    CPU than everything else a batch of reports does. The rows are locked, so writing a
    field a row did not change rewrites its own value.
    """
    fields = [Message._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in fields)
    rows = ", ".join(f"(%s::uuid, {casts})" for _ in messages)
    params = [
        value
        for message in messages
        for value in (message.pk, *(getattr(message, f.attname) for f in fields))
    ]
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in fields
    )
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET {assignments} FROM (VALUES {rows}) AS v(id, {columns})"
            " WHERE m.id = v.id",
            params,
        )


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


def _adopt_after_commit(keys: list[tuple[int, str]]) -> None:
    if keys:
        transaction.on_commit(partial(adopt_late_orphans, keys))


def adopt_late_orphans(keys: Iterable[tuple[int, str]] | None = None, limit: int = 500) -> int:
    """Adopt orphans whose message has its provider id by now; drop those past keeping.

    The send's record adopts its orphans, but under READ COMMITTED a report whose orphan
    commits after that record read the orphans, while the record itself commits after the
    report looked for the message, is missed by both: each saw the other's row unwritten.
    So a transaction that stores orphans looks again once committed (for its own ids), and
    beat's sweep looks for all of them: the report lands late, not never. An orphan no
    message claims within ORPHAN_KEEP_DAYS was for a send not ours; it is deleted so the
    table does not grow with raw payloads forever. Returns the messages that adopted.
    """
    claimed = Message.objects.filter(
        channel_id=OuterRef("channel_id"), provider_message_id=OuterRef("provider_message_id")
    )
    waiting = OrphanStatus.objects.filter(Exists(claimed))
    if keys is not None:
        keys = list(keys)
        if not keys:
            return 0
        where = Q()
        for channel_id, provider_id in keys:
            where |= Q(channel_id=channel_id, provider_message_id=provider_id)
        waiting = waiting.filter(where)
    else:
        days = settings.ORPHAN_KEEP_DAYS
        OrphanStatus.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    pairs = sorted(set(waiting.values_list("channel_id", "provider_message_id")[:limit]))
    adopted = 0
    for channel_id, provider_id in pairs:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update()
                .filter(channel_id=channel_id, provider_message_id=provider_id)
                .first()
            )
            if message is not None:
                adopt_orphans(message)  # reads again under the lock: adopted once
                adopted += 1
    return adopted
