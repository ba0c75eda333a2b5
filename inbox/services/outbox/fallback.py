"""Fallback: a message its channel cannot deliver moves to the channel's fallback under
the same id, re-rendered for it, or, when the recipient's device cannot show the content
and there is no fallback channel, goes again on its own channel as simpler content (once
either way: settle fails a message that already fell back)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox import realtime
from inbox.models import Channel, Message, MessageStatus, MessageStatusEvent

from ..note_language import in_language, notes_language, stored_text
from ..row_inserts import insert_columns
from ..statuses import advance, transition
from . import enqueue


def unreachable_reason(channel: Channel) -> str:
    """Why a message whose recipient `channel` is known not to reach moves to the fallback.

    The same words for every recipient (the number is the thread's): the dashboards count
    fallback and failure reasons by their text, and with the number in it a campaign's
    fallbacks were one "reason" each, 50,000 rows that beat's roll-up rewrote every minute
    (bench/RESULTS.md, 2026-12-07 campaign). Stored in the workspace's language."""
    reason = gettext_lazy("the number is not reachable on {channel}")
    return format_lazy(reason, channel=channel.name)


def fall_back(message: Message, reason: str, *, code: str = "", request: bool = True) -> None:
    """Move a locked message to its channel's fallback and queue it there, once.

    The message keeps its id, so the thread shows one message marked "fell back"; the
    fallback_from mark is what stops a second fallback. `request=False`: the caller
    (the batch claim) sees that a drain takes it instead of a task of its own.
    """
    note = _onto_fallback(message, reason)
    _requeue(message, reason, code=code, note=note, request=request)


def fall_back_many(moved: list[tuple[Message, str]]) -> None:
    """`fall_back(message, reason, request=False)` for many locked first attempts (the
    batch claim's known-unreachable rows), set-based: the same fields and the same
    history entry each, in one UPDATE and one INSERT; the live events batched. The
    caller kicks a drain, which takes them on the fallback channel."""
    if not moved:
        return
    at = timezone.now()
    notes = []
    languages = {ws: notes_language(ws) for ws in {m.workspace_id for m, _reason in moved}}
    for message, reason in moved:
        note = _onto_fallback(message, reason)
        language = languages[message.workspace_id]
        notes.append(in_language(note, language))
        message.fallback_reason = in_language(reason, language)
        message.provider_message_id = ""
        message.text = message.channel.adapter.render_text(message.content)
        advance(message, MessageStatus.QUEUED, at=at, force=True)  # as transition(force=True)
    messages = [m for m, _reason in moved]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Message._meta.db_table} AS m SET channel_id = v.channel_id, "  # noqa: S608
            "fallback_from_id = v.fallback_from_id, fallback_reason = v.reason, "
            "provider_message_id = '', text = v.text, status = %s, queued_at = %s, "
            "error_code = '', error_message = '' "
            "FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
            "AS v(id, channel_id, fallback_from_id, reason, text) WHERE m.id = v.id",
            [
                MessageStatus.QUEUED,
                at,
                [m.pk for m in messages],
                [m.channel_id for m in messages],
                [m.fallback_from_id for m in messages],
                [m.fallback_reason for m in messages],
                [m.text for m in messages],
            ],
        )
    insert_columns(  # the history entry `fall_back` writes, without an instance each
        MessageStatusEvent,
        {"message_id": [m.pk for m in messages], "error_message": notes},
        fixed={"status": MessageStatus.QUEUED, "at": at, "source": "fallback", "applied": True},
    )
    with realtime.batched():
        for message in messages:
            realtime.message_changed(message)


def _onto_fallback(message: Message, reason: str) -> str:
    """Point the message (in memory) at its channel's fallback; the history's note."""
    fallback: Channel = message.channel.fallback
    message.fallback_from_id = message.channel_id
    message.channel = fallback
    return format_lazy(
        gettext_lazy("Falling back to {channel}: {reason}"), channel=fallback.name, reason=reason
    )


def fall_back_to_simpler(message: Message, content: dict, reason: str, *, code: str = "") -> None:
    """Queue a locked message again on its own channel as `content`, a plainer rendering
    its adapter proposed, once: `fallback_from` set to the same channel marks it (and
    gives the resend its own idempotency key, send.idempotency_key)."""
    channel: Channel = message.channel
    message.fallback_from_id = channel.pk
    message.content = content
    note = format_lazy(
        gettext_lazy("Sending a simpler version on {channel}: {reason}"),
        channel=channel.name,
        reason=reason,
    )
    _requeue(message, reason, code=code, note=note)


def _requeue(message: Message, reason: str, *, code: str, note: str, request: bool = True) -> None:
    """Save the fallback's changes (its channel and content set by the caller), re-render
    the text for the channel and queue the message again, with `note` in its history."""
    message.fallback_reason = stored_text(reason, message.workspace_id)
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
