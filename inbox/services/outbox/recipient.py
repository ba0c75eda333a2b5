"""The address a contact's replies go to, by one rule for one message or a whole batch:
a phone number first (it serves SMS and RCS alike), else the oldest identity."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from inbox.models import Channel, ContactIdentity, Conversation

from ..errors import SendRejected

NO_ADDRESS = gettext_noop("contact: has no address to send to")


def recipient_addresses(contact_ids: set[int]) -> dict[int, str]:
    """Each contact's address in one query; a contact without any identity is absent."""
    best: dict[int, tuple[bool, int, str]] = {}
    for pk, contact_id, kind, value in ContactIdentity.objects.filter(
        contact_id__in=contact_ids
    ).values_list("pk", "contact_id", "kind", "value"):
        rank = (kind != ContactIdentity.Kind.PHONE, pk, value)
        if contact_id not in best or rank < best[contact_id]:
            best[contact_id] = rank
    return {contact_id: rank[2] for contact_id, rank in best.items()}


def recipient_address(conversation: Conversation, channel: Channel) -> str:
    """The conversation's customer's address; SendRejected when they have none."""
    address = recipient_addresses({conversation.contact_id}).get(conversation.contact_id)
    if address is None:
        raise SendRejected([gettext(NO_ADDRESS)])
    return address
