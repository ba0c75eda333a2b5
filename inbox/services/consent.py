"""The opt-out ledger: who may be messaged from which sender, and the notes it leaves."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from inbox import realtime, signals
from inbox.models import (
    Author,
    Channel,
    Consent,
    Conversation,
    Direction,
    Message,
    MessageStatus,
)

from .note_language import notes_language

# Written in the workspace's language (note_language.py): a note is stored once.
_NOTES = {
    ("opt_out", "keyword"): gettext_lazy(
        "Opted out: the customer texted {keyword}. Nothing more can be sent "
        "from {channel} until they text START."
    ),
    ("opt_out", "provider"): gettext_lazy(
        "Opted out: {channel}'s provider refused the send because the "
        "customer unsubscribed (they replied STOP earlier)."
    ),
    ("opt_in", "keyword"): gettext_lazy("Opted back in: the customer texted {keyword}."),
}


def consent_for(channel: Channel, address: str) -> Consent | None:
    return Consent.objects.filter(channel=channel, address=address).first()


def opt_out_reason(channel: Channel, address: str) -> str | None:
    """Why `address` cannot be messaged from `channel`, or None when it can."""
    return _reason(channel, consent_for(channel, address))


def opt_out_reasons(channel: Channel, addresses) -> dict[str, str]:
    """`opt_out_reason` for many addresses in one query (a campaign's chunk): only the
    refused ones are keys."""
    found: dict[str, str] = {}
    for consent in Consent.objects.filter(
        channel=channel, address__in=set(addresses), opted_out=True
    ):
        reason = _reason(channel, consent)
        if reason:
            found[consent.address] = reason
    return found


def _reason(channel: Channel, consent: Consent | None) -> str | None:
    if consent is None or not consent.opted_out:
        return None
    how = (
        gettext("texted %(keyword)s") % {"keyword": consent.keyword}
        if consent.keyword
        else gettext("unsubscribed at the provider")
    )
    when = timezone.localtime(consent.changed_at).strftime("%Y-%m-%d %H:%M")
    # A keyword opt-out is lifted by a keyword; a provider's own unsubscribe (a button on
    # the phone) by the customer subscribing again there.
    again = (
        gettext("they must text START to receive messages again")
        if consent.source in ("keyword", "provider")
        else gettext("they must subscribe again to receive messages")
    )
    return gettext("recipient: opted out of %(channel)s (%(how)s on %(when)s); %(again)s") % {
        "channel": channel.name,
        "how": how,
        "when": when,
        "again": again,
    }


def record_consent(
    channel: Channel,
    address: str,
    *,
    opted_out: bool,
    source: str,
    keyword: str = "",
    conversation: Conversation | None = None,
    note: str = "",
) -> Consent:
    """Update the ledger and leave a system note in the customer's thread (`note`, with
    {channel} for the channel's name, when the source has no note of its own)."""
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
        conversation = conversation or conversation_at(channel, address)
        template = _NOTES.get(("opt_out" if opted_out else "opt_in", source)) or note
        if conversation and template:
            with translation.override(notes_language(channel.workspace_id)):
                text = str(template).format(keyword=keyword.upper(), channel=channel.name)
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


def conversation_at(channel: Channel, address: str, kind: str = "phone") -> Conversation | None:
    """The workspace's latest conversation with the customer at `address`, if any."""
    return (
        Conversation.objects.filter(
            workspace_id=channel.workspace_id,
            contact__identities__kind=kind,
            contact__identities__value=address,
        )
        .order_by("-last_message_at")
        .first()
    )


def record_consent_given(channel: Channel, address: str, *, source: str) -> bool:
    """Note that the business holds consent for `address` on `channel` (an import, the
    API), where the ledger has nothing yet; True when a row was written.

    Never touches an existing row: an opt-out stays an opt-out (only the customer's
    START lifts it), and a row already saying "opted in" keeps its first source. No row
    meant "never opted out" already, so this is provenance, not a change of state: no
    note, no consent_changed signal (dashboards would count an opt-in that never
    happened).
    """
    _consent, created = Consent.objects.get_or_create(
        channel=channel,
        address=address,
        defaults={
            "workspace_id": channel.workspace_id,
            "opted_out": False,
            "source": source,
            "changed_at": timezone.now(),
        },
    )
    return created
