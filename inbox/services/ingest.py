"""Inbound events into the domain: idempotent, each event committed on its own."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from inbox import jobs, realtime, signals
from inbox.adapters import (
    ConsentChange,
    Event,
    InboundMessage,
    ReadReceipt,
    Revocation,
    StatusUpdate,
    TypingIndicator,
    Unusable,
)
from inbox.models import (
    Author,
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    MessageStatus,
    MessageStatusEvent,
)
from inbox.models.conversation import PREVIEW_LENGTH

from .consent_keywords import apply_consent_change
from .contacts import find_or_create_contact
from .expiry import apply_revocation
from .media import needs_fetch
from .out_of_hours import reply_if_closed
from .routing import route_conversation
from .statuses import apply_status
from .suggestion_replies import interpret_reply

log = logging.getLogger(__name__)


def ingest(channel: Channel, events: list[Event]) -> list[Message | None]:
    """Apply a webhook's events. Returns the message each event touched (None if none).

    A replayed event (same channel + provider id) is absorbed: it returns the existing
    message and writes nothing. The caller answers the provider only after this returns,
    so a 2xx always means committed.
    """
    results: list[Message | None] = []
    for event in events:
        if isinstance(event, InboundMessage):
            results.append(_ingest_message(channel, event))
        elif isinstance(event, StatusUpdate):
            results.append(apply_status(channel, event))
        elif isinstance(event, ReadReceipt):
            results.append(
                apply_status(
                    channel,
                    StatusUpdate(event.provider_message_id, MessageStatus.READ, at=event.at),
                )
            )
        elif isinstance(event, TypingIndicator):
            typing_from_customer(channel, event)
            results.append(None)
        elif isinstance(event, ConsentChange):
            apply_consent_change(channel, event)
            results.append(None)
        elif isinstance(event, Revocation):
            results.append(apply_revocation(channel, event))
        elif isinstance(event, Unusable):
            # Kept as the InboundEvent row it arrived in, for a person to inspect.
            log.warning("channel %s: authentic event not applied: %s", channel.pk, event.reason)
            results.append(None)
    return results


def _conversation_for(channel: Channel, contact) -> Conversation:
    """The customer's one thread in this workspace (created on first contact)."""
    conversation = (
        Conversation.objects.select_for_update()
        .filter(workspace_id=channel.workspace_id, contact=contact)
        .order_by("-last_message_at", "-pk")
        .first()
    )
    if conversation is None:
        Conversation.objects.bulk_create(
            [Conversation(workspace_id=channel.workspace_id, contact=contact, channel=channel)],
            ignore_conflicts=True,  # a concurrent first message created it
        )
        conversation = Conversation.objects.select_for_update().get(
            workspace_id=channel.workspace_id, contact=contact
        )
    return conversation


def _ingest_message(channel: Channel, event: InboundMessage) -> Message:
    existing = Message.objects.filter(
        channel=channel, provider_message_id=event.provider_message_id
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            contact = find_or_create_contact(
                channel.workspace,
                kind=event.sender_kind,
                value=event.sender,
                name=event.sender_name,
            )
            conversation = _conversation_for(channel, contact)
            # New (never had a message) or reopened: routing decides team and assignee.
            needs_routing = conversation.last_message_at is None or conversation.status in (
                ConversationStatus.RESOLVED,
                ConversationStatus.SNOOZED,
            )
            content = interpret_reply(conversation, event.content)
            now = timezone.now()
            at = event.received_at or now
            message = Message.objects.create(
                workspace_id=channel.workspace_id,
                conversation=conversation,
                channel=channel,
                direction=Direction.INBOUND,
                author=Author.CONTACT,
                content=content,
                text=event.text,
                status=MessageStatus.RECEIVED,
                provider_message_id=event.provider_message_id,
                created_at=at,
            )
            MessageStatusEvent.objects.create(
                message=message,
                status=MessageStatus.RECEIVED,
                at=at,
                source="webhook",
                raw=event.raw,
            )
            previous_status = conversation.status
            _touch_conversation_inbound(conversation, channel, message)
            if needs_routing:
                route_conversation(conversation)
            if conversation.status != previous_status:  # the customer reopened it
                transaction.on_commit(
                    lambda: signals.send(
                        signals.conversation_status_changed,
                        Conversation,
                        conversation=conversation,
                        previous_status=previous_status,
                        actor=None,
                    )
                )
    except IntegrityError:  # a concurrent duplicate won the unique key
        return Message.objects.get(channel=channel, provider_message_id=event.provider_message_id)
    realtime.message_changed(message, created=True)
    realtime.conversation_changed(conversation)
    reply_if_closed(conversation, message)
    if needs_fetch(message.content):
        jobs.enqueue_on_commit(jobs.FETCH_MEDIA, str(message.pk))
    return message


def _touch_conversation_inbound(conversation: Conversation, channel: Channel, message: Message):
    conversation.channel = channel  # reply where the customer last wrote
    conversation.last_message_at = message.created_at
    conversation.last_inbound_at = message.created_at
    conversation.last_message_preview = message.text[:PREVIEW_LENGTH]
    if conversation.waiting_since is None:
        conversation.waiting_since = message.created_at
    if conversation.status in (ConversationStatus.RESOLVED, ConversationStatus.SNOOZED):
        conversation.status = ConversationStatus.OPEN
        conversation.resolved_at = None
        conversation.snoozed_until = None
    conversation.save()


def typing_from_customer(channel: Channel, event: TypingIndicator) -> None:
    conversation = (
        Conversation.objects.filter(
            workspace_id=channel.workspace_id,
            contact__identities__kind=event.sender_kind,
            contact__identities__value=event.sender,
        )
        .order_by("-last_message_at")
        .first()
    )
    if conversation:
        realtime.typing_changed(conversation, who="contact", is_typing=event.is_typing)
