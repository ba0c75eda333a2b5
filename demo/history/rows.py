"""The demo history's threads written as rows, the way real traffic would have left them.

Bulk inserts with explicit past timestamps: contacts, conversations, messages with their
status events, read markers, labels, and the dashboards' record of each resolution.
"""

from __future__ import annotations

from dashboards.models import ConversationStatusEvent
from inbox.models import (
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageStatusEvent,
    ReadMarker,
)

from .threads import Thread


def store_threads(workspace, team, threads: list[Thread], labels, readers) -> None:
    contacts = Contact.objects.bulk_create(
        [Contact(workspace=workspace, name=t.name) for t in threads]
    )
    ContactIdentity.objects.bulk_create(
        [
            ContactIdentity(
                workspace=workspace, contact=c, kind=ContactIdentity.Kind.PHONE, value=t.phone
            )
            for c, t in zip(contacts, threads, strict=True)
        ]
    )
    conversations = Conversation.objects.bulk_create(
        [_conversation(workspace, team, c, t) for c, t in zip(contacts, threads, strict=True)]
    )
    # created_at is auto_now_add: bulk_update writes the past instants as they are.
    for contact, conversation, thread in zip(contacts, conversations, threads, strict=True):
        contact.created_at = conversation.created_at = thread.start
    Contact.objects.bulk_update(contacts, ["created_at"])
    Conversation.objects.bulk_update(conversations, ["created_at"])

    messages, events, markers, tags = [], [], [], []
    through = Conversation.labels.through
    for conversation, thread in zip(conversations, threads, strict=True):
        for message in thread.messages:
            message.conversation = conversation
        messages += thread.messages
        events += thread.events
        if thread.label in labels:
            tags.append(through(conversation=conversation, label=labels[thread.label]))
        if thread.status == ConversationStatus.RESOLVED:
            markers += [
                ReadMarker(conversation=conversation, user=u, read_at=thread.resolved_at)
                for u in readers
            ]
    Message.objects.bulk_create(messages)
    MessageStatusEvent.objects.bulk_create(events)
    ReadMarker.objects.bulk_create(markers)
    through.objects.bulk_create(tags)
    _store_resolutions(workspace, conversations, threads)


def _conversation(workspace, team, contact, thread: Thread) -> Conversation:
    last = thread.messages[-1]
    inbound = [m for m in thread.messages if m.direction == Direction.INBOUND]
    return Conversation(
        workspace=workspace,
        contact=contact,
        channel=thread.channel,
        team=team,
        status=thread.status,
        assignee=thread.assignee,
        last_message_at=last.created_at,
        last_inbound_at=inbound[-1].created_at if inbound else None,
        last_message_preview=last.text[:200],
        waiting_since=thread.waiting_since,
        first_response_at=thread.first_response_at,
        resolved_at=thread.resolved_at,
    )


def _store_resolutions(workspace, conversations, threads) -> None:
    """The status history the dashboards read resolutions from (normally written by their
    receiver of conversation_status_changed)."""
    ConversationStatusEvent.objects.bulk_create(
        [
            ConversationStatusEvent(
                workspace=workspace,
                conversation_id=c.pk,
                channel_id=c.channel_id,
                team_id=c.team_id,
                agent_id=c.assignee_id,
                previous_status=ConversationStatus.OPEN,
                status=ConversationStatus.RESOLVED,
                actor_id=c.assignee_id,
                at=t.resolved_at,
            )
            for c, t in zip(conversations, threads, strict=True)
            if t.resolved_at is not None
        ]
    )
