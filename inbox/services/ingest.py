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
from inbox.selectors.campaign_attribution import campaign_message_nearby

from .campaigns.attribution import attribute_reply
from .consent_keyword_match import answer_consent_keyword
from .consent_keywords import apply_consent_change
from .contacts import contact_for_address
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
    # Senders whose provider classified a keyword itself (and answered it): the inbox's
    # own keyword lists must not apply the same message twice.
    classified = {e.sender for e in events if isinstance(e, ConsentChange)}
    for event in events:
        if isinstance(event, InboundMessage):
            results.append(ingest_message(channel, event, keyword_seen=event.sender in classified))
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


def _conversation_for(channel: Channel, contact, at) -> Conversation:
    """The customer's one thread in this workspace (created on first contact), annotated
    with `campaign_nearby` (whether a message at `at` may answer a campaign)."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .annotate(campaign_nearby=campaign_message_nearby(at))
        .filter(workspace_id=channel.workspace_id, contact=contact)
        .order_by("-last_message_at", "-pk")
        .first()
    )
    if conversation is None:
        Conversation.objects.bulk_create(
            [Conversation(workspace_id=channel.workspace_id, contact=contact, channel=channel)],
            ignore_conflicts=True,  # a concurrent first message created it
        )
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .annotate(campaign_nearby=campaign_message_nearby(at))
            .get(workspace_id=channel.workspace_id, contact=contact)
        )
    return conversation


def _first_conversation(channel: Channel, contact, event: InboundMessage, at) -> Conversation:
    """A new customer's thread, inserted as touch_inbound would leave it
    after their first message (one INSERT instead of INSERT, re-read and UPDATE). Only
    for a contact created in the current transaction: nobody else can see it yet."""
    return Conversation.objects.create(
        workspace_id=channel.workspace_id,
        contact=contact,
        channel=channel,
        last_message_at=at,
        last_inbound_at=at,
        last_message_preview=event.text[:PREVIEW_LENGTH],
        waiting_since=at,
    )


def ingest_message(
    channel: Channel, event: InboundMessage, *, keyword_seen: bool = False
) -> Message:
    """One customer message: contact, thread, message, history, then what follows it
    (routing, campaign attribution, live updates, consent keywords, out-of-hours reply).
    The batched apply (ingest_batch.py) does the same for many at once."""
    existing = Message.objects.filter(
        channel=channel, provider_message_id=event.provider_message_id
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            contact, new_customer = contact_for_address(
                channel.workspace,
                kind=event.sender_kind,
                value=event.sender,
                name=event.sender_name,
            )
            now = timezone.now()
            at = event.received_at or now
            if new_customer:
                # A contact this transaction created has no thread, no outbound message
                # and no campaign message: its thread is created already touched, and the
                # option and campaign lookups (which could match nothing) are skipped.
                conversation = _first_conversation(channel, contact, event, at)
                needs_routing = True
                content = event.content
            else:
                conversation = _conversation_for(channel, contact, at)
                # New (never had a message) or reopened: routing decides team and assignee.
                needs_routing = conversation.last_message_at is None or conversation.status in (
                    ConversationStatus.RESOLVED,
                    ConversationStatus.SNOOZED,
                )
                content = interpret_reply(conversation, event.content)
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
            if not new_customer:
                if conversation.campaign_nearby:  # else no campaign message could match
                    attribute_reply(message)  # a campaign's reply: recorded with the message
                touch_inbound(conversation, channel, message)
                conversation.save()
            after_thread_touched(conversation, previous_status, needs_routing=needs_routing)
    except IntegrityError:  # a concurrent duplicate won the unique key
        return Message.objects.get(channel=channel, provider_message_id=event.provider_message_id)
    after_message(channel, conversation, message, sender=event.sender, keyword_seen=keyword_seen)
    return message


def after_thread_touched(
    conversation: Conversation, previous_status: str, *, needs_routing: bool
) -> None:
    """Routing for a new or reopened thread, and the reopening announced after commit."""
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


def after_message(
    channel: Channel,
    conversation: Conversation,
    message: Message,
    *,
    sender: str,
    keyword_seen: bool = False,
) -> None:
    """What a stored customer message sets off: live updates (after commit), a consent
    keyword's ledger change and answer, else the out-of-hours reply, the media copy."""
    realtime.message_changed(message, created=True)
    realtime.conversation_changed(conversation)
    keyword = not keyword_seen and answer_consent_keyword(
        channel, conversation, message, sender=sender
    )
    if not keyword:  # a keyword gets its confirmation, not "we are closed"
        reply_if_closed(conversation, message)
    if needs_fetch(message.content):
        jobs.enqueue_on_commit(jobs.FETCH_MEDIA, str(message.pk))


def touch_inbound(conversation: Conversation, channel: Channel, message: Message) -> None:
    """The thread after a customer's message, in memory (the caller writes it)."""
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
