"""The opt-out ledger: who may be messaged from which sender, and the notes it leaves."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from inbox import realtime, signals
from inbox.adapters import ConsentChange
from inbox.models import (
    Author,
    Channel,
    Consent,
    Conversation,
    Direction,
    Message,
    MessageStatus,
)

_NOTES = {
    ("opt_out", "keyword"): "Opted out: the customer texted {keyword}. Nothing more can be sent "
    "from {channel} until they text START.",
    ("opt_out", "provider"): "Opted out: {channel}'s provider refused the send because the "
    "customer unsubscribed (they replied STOP earlier).",
    ("opt_in", "keyword"): "Opted back in: the customer texted {keyword}.",
}

log = logging.getLogger(__name__)


def consent_for(channel: Channel, address: str) -> Consent | None:
    return Consent.objects.filter(channel=channel, address=address).first()


def opt_out_reason(channel: Channel, address: str) -> str | None:
    """Why `address` cannot be messaged from `channel`, or None when it can."""
    consent = consent_for(channel, address)
    if consent is None or not consent.opted_out:
        return None
    how = f"texted {consent.keyword}" if consent.keyword else "unsubscribed at the provider"
    when = timezone.localtime(consent.changed_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"recipient: opted out of {channel.name} ({how} on {when}); "
        "they must text START to receive messages again"
    )


def record_consent(
    channel: Channel,
    address: str,
    *,
    opted_out: bool,
    source: str,
    keyword: str = "",
    conversation: Conversation | None = None,
) -> Consent:
    """Update the ledger and leave a system note in the customer's thread."""
    now = timezone.now()
    with transaction.atomic():
        previous = (
            Consent.objects.select_for_update()
            .filter(channel=channel, address=address)
            .values_list("opted_out", flat=True)
            .first()
        )
        consent, _ = Consent.objects.select_for_update().update_or_create(
            channel=channel,
            address=address,
            defaults={
                "workspace_id": channel.workspace_id,
                "opted_out": opted_out,
                "keyword": keyword,
                "source": source,
                "changed_at": now,
            },
        )
        conversation = conversation or _conversation_of(channel, address)
        template = _NOTES.get(("opt_out" if opted_out else "opt_in", source))
        if conversation and template:
            text = template.format(keyword=keyword.upper(), channel=channel.name)
            note = Message.objects.create(
                workspace_id=channel.workspace_id,
                conversation=conversation,
                channel=channel,
                direction=Direction.INTERNAL,
                author=Author.SYSTEM,
                content={"type": "text", "text": text, "event": "consent"},
                text=text,
                status=MessageStatus.RECEIVED,
                created_at=now,
            )
            realtime.message_changed(note, created=True)
            realtime.conversation_changed(conversation)
        if previous != opted_out:  # a repeated STOP is not a new opt-out
            transaction.on_commit(
                lambda: signals.send(
                    signals.consent_changed, Consent, consent=consent, previous_opted_out=previous
                )
            )
    return consent


def apply_consent_change(channel: Channel, event: ConsentChange) -> None:
    """A keyword from the customer: update the ledger; answer HELP if nobody else did."""
    conversation = _conversation_of(channel, event.sender, event.sender_kind)
    if event.action in ("opt_out", "opt_in"):
        record_consent(
            channel,
            event.sender,
            opted_out=event.action == "opt_out",
            source="keyword",
            keyword=event.keyword,
            conversation=conversation,
        )
    elif event.action == "help" and not event.provider_replied and conversation:
        help_reply = (channel.config or {}).get("help_reply", "")
        if help_reply:
            from .errors import SendRejected
            from .sending import send_message

            try:
                send_message(
                    conversation, {"type": "text", "text": help_reply}, author=Author.SYSTEM
                )
            except SendRejected as exc:
                # A suspended workspace (or a reply the channel refuses) must not keep the
                # customer's keyword from being applied: the ledger change above stands.
                log.info("HELP reply for %s refused: %s", event.sender, exc)


def _conversation_of(channel: Channel, address: str, kind: str = "phone"):
    return (
        Conversation.objects.filter(
            workspace_id=channel.workspace_id,
            contact__identities__kind=kind,
            contact__identities__value=address,
        )
        .order_by("-last_message_at")
        .first()
    )
