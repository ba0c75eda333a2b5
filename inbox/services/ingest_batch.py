"""Many customer messages applied at once: the worker's batch, in set-based statements.

`ingest_message` (ingest.py) costs about ten statements per message: the replay check,
the sender's address, the thread (locked), the thread's latest outbound message (is a
"2" an option?), the message, its history, the thread's UPDATE. At a campaign's reply
rate that was most of a core. Here each of those is one statement for the whole batch,
and what follows each message (routing, campaign attribution, consent keywords, the
out-of-hours reply, live updates) runs per message as before, only where it applies.

Every guarantee of the one-by-one path holds:
- order within a conversation: the batch is applied in waves, a customer at most once
  per wave (their next message waits for the next wave, which reads the thread anew);
- one thread per customer: the threads are taken `SELECT ... FOR UPDATE`; a customer
  without one yet (a new address, a contact who never wrote) goes through
  `ingest_message`, which creates it under the same rules;
- idempotency: a replayed provider id returns the stored message and writes nothing;
  a duplicate within the batch waits for the next wave and is found there;
- the caller's transaction holds it all: a failure rolls the batch back and the
  caller applies its events one by one (inbound_queue._apply_batch).
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import (
    Author,
    Channel,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)
from inbox.selectors.campaign_attribution import campaign_message_nearby

from .campaigns.attribution import attribute_reply
from .ingest import after_message, after_thread_touched, ingest_message, touch_inbound
from .row_inserts import insert_columns, insert_objects
from .row_updates import update_rows
from .suggestion_replies import interpret_reply_to

# What touch_inbound may change on a thread: the batch writes these in one UPDATE.
TOUCHED = [
    "channel",
    "last_message_at",
    "last_inbound_at",
    "last_message_preview",
    "waiting_since",
    "status",
    "resolved_at",
    "snoozed_until",
]

Item = tuple[int, Channel, InboundMessage]  # (arrival index, channel, message)


def ingest_messages(items: list[tuple[Channel, InboundMessage]]) -> list[Message]:
    """Apply customer messages in arrival order; the message each became (or already was).

    For webhooks whose events are all customer messages (no provider consent event beside
    them, which ingest() weighs together with the message). The caller holds a
    transaction.
    """
    results: list[Message] = [None] * len(items)  # type: ignore[list-item]
    pending: list[Item] = [(i, channel, event) for i, (channel, event) in enumerate(items)]
    while pending:
        wave, later = _next_wave(pending)
        deferred = _apply_wave(wave, results)
        pending = sorted(later + deferred, key=lambda item: item[0])
    return results


def _next_wave(pending: list[Item]) -> tuple[list[Item], list[Item]]:
    """Each sender's first message and each provider id's first copy; the rest waits
    (and so does everything after a waiting one from the same sender)."""
    wave, later = [], []
    senders: set = set()
    ids: set = set()
    for item in pending:
        _, channel, event = item
        sender = (channel.workspace_id, event.sender_kind, event.sender)
        pid = (channel.pk, event.provider_message_id)
        if sender in senders or pid in ids:
            later.append(item)
        else:
            wave.append(item)
            ids.add(pid)
        senders.add(sender)
    return wave, later


def _apply_wave(wave: list[Item], results: list) -> list[Item]:
    """Apply one wave (a sender at most once); returns the items that must wait."""
    stored = _stored(wave)
    fresh = []
    for item in wave:
        index, channel, event = item
        found = stored.get((channel.pk, event.provider_message_id))
        if found is not None:
            results[index] = found  # a replay: nothing written, nothing announced
        else:
            fresh.append(item)
    if not fresh:
        return []
    contacts = _contacts(fresh)
    now = timezone.now()
    ats = [event.received_at or now for _, _, event in fresh]
    threads = _threads(fresh, contacts, earliest=min(ats), latest=max(ats))
    batched, one_by_one, deferred = [], [], []
    taken: set[int] = set()
    for item in fresh:
        _, channel, event = item
        contact = contacts.get((channel.workspace_id, event.sender_kind, event.sender))
        thread = threads.get((channel.workspace_id, contact.pk)) if contact else None
        if thread is None:
            one_by_one.append(item)  # a new customer, or a contact's first thread
        elif thread.pk in taken:
            deferred.append(item)  # another address of a contact already in this wave
        else:
            taken.add(thread.pk)
            batched.append((item, contact, thread))
    _write(batched, results, now)
    for index, channel, event in one_by_one:
        results[index] = ingest_message(channel, event)
    return deferred


def _stored(items: list[Item]) -> dict[tuple[int, str], Message]:
    wanted: dict[int, set[str]] = {}
    for _, channel, event in items:
        wanted.setdefault(channel.pk, set()).add(event.provider_message_id)
    where = Q()
    for channel_id, ids in wanted.items():
        where |= Q(channel_id=channel_id, provider_message_id__in=ids)
    return {(m.channel_id, m.provider_message_id): m for m in Message.objects.filter(where)}


def _contacts(items: list[Item]) -> dict[tuple[int, str, str], object]:
    """The contact behind each sender's address, where one exists (one query)."""
    wanted: dict[tuple[int, str], set[str]] = {}
    for _, channel, event in items:
        wanted.setdefault((channel.workspace_id, event.sender_kind), set()).add(event.sender)
    where = Q()
    for (workspace_id, kind), values in wanted.items():
        where |= Q(workspace_id=workspace_id, kind=kind, value__in=values)
    return {
        (i.workspace_id, i.kind, i.value): i.contact
        for i in ContactIdentity.objects.select_related("contact").filter(where)
    }


def _threads(items: list[Item], contacts: dict, *, earliest, latest) -> dict:
    """The senders' threads, locked in primary-key order, with `campaign_nearby` for the
    batch's time span (one query)."""
    wanted: dict[int, set[int]] = {}
    for _, channel, event in items:
        contact = contacts.get((channel.workspace_id, event.sender_kind, event.sender))
        if contact is not None:
            wanted.setdefault(channel.workspace_id, set()).add(contact.pk)
    if not wanted:
        return {}
    where = Q()
    for workspace_id, contact_ids in wanted.items():
        where |= Q(workspace_id=workspace_id, contact_id__in=contact_ids)
    query = (
        Conversation.objects.select_for_update(of=("self",))
        .annotate(campaign_nearby=campaign_message_nearby(latest, earliest))
        .filter(where)
        .order_by("pk")
    )
    return {(c.workspace_id, c.contact_id): c for c in query}


# The latest outbound message of each thread (its options make a typed "2" a chip tap),
# one index probe per thread (msg_thread, newest first).
_LATEST_OUTBOUND = (
    "SELECT m.id FROM unnest(%s::bigint[]) AS t(id) CROSS JOIN LATERAL ("
    f"SELECT id FROM {Message._meta.db_table} WHERE conversation_id = t.id"
    " AND direction = %s ORDER BY created_at DESC LIMIT 1) AS m"
)


def _latest_outbound(thread_ids: list[int]) -> dict[int, Message]:
    if not thread_ids:
        return {}
    query = Message.objects.select_related("channel").filter(
        pk__in=RawSQL(_LATEST_OUTBOUND, [thread_ids, Direction.OUTBOUND])
    )
    return {m.conversation_id: m for m in query}


def _write(batched: list, results: list, now) -> None:
    """Messages and their history inserted, threads updated, then each message's
    consequences in arrival order."""
    if not batched:
        return
    texts = [t.pk for (_, _, event), _, t in batched if event.content.get("type") == "text"]
    latest = _latest_outbound(texts)
    rows = []
    for (index, channel, event), contact, thread in batched:
        if event.sender_name and not contact.name:
            contact.name = event.sender_name
            contact.save(update_fields=["name"])
        at = event.received_at or now
        message = Message(
            workspace_id=channel.workspace_id,
            conversation=thread,
            channel=channel,
            direction=Direction.INBOUND,
            author=Author.CONTACT,
            content=interpret_reply_to(latest.get(thread.pk), event.content),
            text=event.text,
            status=MessageStatus.RECEIVED,
            provider_message_id=event.provider_message_id,
            created_at=at,
        )
        # New (never had a message) or reopened: routing decides team and assignee.
        routing = thread.last_message_at is None or thread.status in (
            ConversationStatus.RESOLVED,
            ConversationStatus.SNOOZED,
        )
        rows.append((index, channel, event, thread, message, routing, thread.status))
    # From arrays, without bulk_create's compile per row and field (row_inserts.py): with
    # the Twilio payload in every history row, bulk_create's client-side array literals
    # (each quote escaped in Python) were about a sixth of the apply's CPU.
    insert_objects(Message, [row[4] for row in rows])
    insert_columns(
        MessageStatusEvent,
        {
            "message_id": [message.pk for _, _, _, _, message, _, _ in rows],
            "at": [message.created_at for _, _, _, _, message, _, _ in rows],
            "raw": [event.raw for _, _, event, _, _, _, _ in rows],
        },
        fixed={"status": MessageStatus.RECEIVED, "source": "webhook"},
    )
    for _, channel, _, thread, message, _, _ in rows:
        if thread.campaign_nearby:  # else no campaign message could match
            attribute_reply(message)  # a campaign's reply: recorded with the message
        touch_inbound(thread, channel, message)
    update_rows(Conversation, [row[3] for row in rows], TOUCHED)
    for index, channel, event, thread, message, routing, previous_status in rows:
        after_thread_touched(thread, previous_status, needs_routing=routing)
        after_message(channel, thread, message, sender=event.sender)
        results[index] = message
