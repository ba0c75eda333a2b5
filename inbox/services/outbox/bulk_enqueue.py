"""`send_message` for many messages at once (a campaign's chunk), in a fixed number of
statements however many there are.

The checks are send_message's own (inbox/services/send_checks.py), asked per message,
with what can be read once read once: each channel's state, every recipient's address
(one query), each channel's opt-out ledger (one query per channel). A refused message
is returned as its SendRejected and nothing is written for it; the rest are written as
send_message writes one (outbox/rows.py): the messages in one INSERT, their first status
events in another, and the threads' last activity and preview in one UPDATE. After the
commit: one drain kick for them all, and the live events batched (realtime.batched: one
frame per group instead of one per message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from inbox import realtime
from inbox.models import Author, Channel, Conversation, Message
from inbox.models.conversation import PREVIEW_LENGTH

from ..consent import opt_out_reasons
from ..errors import SendRejected
from ..row_inserts import insert_objects
from ..send_checks import channel_problems, prepare, recipient_problems
from . import enqueue
from .recipient import recipient_addresses
from .rows import insert_queued_events, new_message


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: in `conversation` (row locked by the caller, its contact
    loaded), on `channel`, held until `not_before` when given."""

    conversation: Conversation
    content: dict
    channel: Channel
    not_before: datetime | None = None


def send_many(
    outgoing: Sequence[Outgoing],
    *,
    author: str,
    user=None,
    campaign=None,
    ttl_seconds: int | None = None,
) -> list[Message | SendRejected]:
    """Per item, in order: its queued Message, or the SendRejected send_message would have
    raised for it. Runs in the caller's transaction (a campaign chunk's), or its own.
    One message per conversation: the threads' preview is written from a set."""
    if not outgoing:
        return []
    now = timezone.now()
    channels = {o.channel.pk: o.channel for o in outgoing}
    refusals = {
        (pk, workspace_id): channel_problems(channels[pk], workspace_id)
        for pk, workspace_id in {(o.channel.pk, o.conversation.workspace_id) for o in outgoing}
    }
    addresses = recipient_addresses({o.conversation.contact_id for o in outgoing})
    opted_out = {
        pk: opt_out_reasons(
            channel,
            [
                addresses[o.conversation.contact_id]
                for o in outgoing
                if o.channel.pk == pk and o.conversation.contact_id in addresses
            ],
        )
        for pk, channel in channels.items()
    }
    results: list[Message | SendRejected] = []
    for o in outgoing:
        errors = refusals[(o.channel.pk, o.conversation.workspace_id)]
        if not errors:
            try:
                prepared = prepare(o.conversation, o.content, o.channel)
            except SendRejected as exc:
                results.append(exc)
                continue
            address = addresses.get(o.conversation.contact_id)
            errors = recipient_problems(address, opted_out[o.channel.pk])
        if errors:
            results.append(SendRejected(errors))
            continue
        results.append(
            new_message(
                o.conversation,
                o.channel,
                content=prepared.content,
                text=prepared.text,
                author=author,
                user=user,
                now=now,
                ttl_seconds=ttl_seconds,
                not_before=o.not_before,
                campaign=campaign,
            )
        )
    messages = [r for r in results if isinstance(r, Message)]
    if messages:
        with transaction.atomic(savepoint=False), realtime.batched():
            insert_objects(Message, messages)  # bulk_create without its per-row SQL
            insert_queued_events(messages)
            _touch_threads(messages, author=author, now=now)
            enqueue.first_attempts(messages)
            for message in messages:
                realtime.message_changed(message, created=True)
                realtime.conversation_changed(message.conversation)
    return results


def _touch_threads(messages: list[Message], *, author: str, now: datetime) -> None:
    """send_message's thread update for every message's conversation in one UPDATE: last
    activity and preview; an agent's reply also stops the response clock."""
    agent = author == Author.AGENT
    table = Conversation._meta.db_table
    ids = [m.conversation_id for m in messages]
    previews = [m.text[:PREVIEW_LENGTH] for m in messages]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS c SET last_message_at = %s, "  # noqa: S608 - our own table
            "last_message_preview = v.preview, "
            "first_response_at = CASE WHEN %s AND c.waiting_since IS NOT NULL "
            "AND c.first_response_at IS NULL THEN %s ELSE c.first_response_at END, "
            "waiting_since = CASE WHEN %s THEN NULL ELSE c.waiting_since END "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, preview) WHERE c.id = v.id",
            [now, agent, now, agent, ids, previews],
        )
    for message, preview in zip(messages, previews, strict=True):
        conv = message.conversation  # the caller's instance: keep it as the row now is
        if agent and conv.waiting_since is not None:
            conv.waiting_since = None
            if conv.first_response_at is None:
                conv.first_response_at = now
        conv.last_message_at, conv.last_message_preview = now, preview
