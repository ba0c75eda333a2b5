"""Which campaign a customer's message answers: the reply side of the funnel.

A customer message is a campaign's reply when it arrives in the recipient's thread after
the campaign's message was sent and within that campaign's attribution window; when two
campaigns reached the same thread, the latest one sent before the reply wins (last touch).
Ingest records the answer once (CampaignReply); automations ask the same question.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef

from inbox.models import Campaign, CampaignRecipient, Contact, ContactIdentity, Direction, Message
from inbox.phones import to_e164

# The longest window a campaign may set (plan.ATTRIBUTION_HOURS_MAX), so the candidate
# search stays one short indexed range however the campaigns are set.
LONGEST_WINDOW = timedelta(hours=720)
CANDIDATES = 5


def campaign_recipient_for_reply(message: Message) -> CampaignRecipient | None:
    """The campaign recipient row this inbound message replies to, or None.

    Once ingest has recorded the attribution it is read back as recorded; before that
    (the message being ingested) it is worked out from the thread's campaign messages.
    """
    if message.direction != Direction.INBOUND:
        return None
    recorded = (
        CampaignRecipient.objects.filter(replies__message=message)
        .select_related("campaign", "message")
        .first()
    )
    if recorded is not None:
        return recorded
    return attributable_recipient(message)


def attributable_recipient(message: Message) -> CampaignRecipient | None:
    """The recipient row `message` answers, worked out from the thread's campaign
    messages (what ingest records; one indexed query)."""
    if message.direction != Direction.INBOUND:
        return None
    at = message.created_at
    candidates = (
        CampaignRecipient.objects.filter(
            message__conversation_id=message.conversation_id,
            message__sent_at__lte=at,
            message__sent_at__gt=at - LONGEST_WINDOW,
            campaign__workspace_id=message.workspace_id,
        )
        .select_related("campaign", "message")
        .order_by("-message__sent_at", "-pk")[:CANDIDATES]
    )
    for recipient in candidates:
        window = timedelta(hours=recipient.campaign.attribution_hours)
        if at - recipient.message.sent_at <= window:
            return recipient
    return None


def campaign_message_nearby(at, earliest=None) -> Exists:
    """An annotation for a Conversation query: may a message arriving `at` in the thread
    answer a campaign? False when the thread holds no campaign message sent within the
    longest window before `at`, so attributable_recipient would find nothing and ingest
    skips it (a cheap EXISTS on the thread's messages instead of a join per message).
    With `earliest`, for messages arriving anywhere from `earliest` to `at` (a batch):
    True may then be a false alarm, which attributable_recipient settles per message."""
    return Exists(
        Message.objects.filter(
            conversation_id=OuterRef("pk"),
            campaign__isnull=False,
            sent_at__lte=at,
            sent_at__gt=(earliest or at) - LONGEST_WINDOW,
        )
    )


def campaign_contact(
    *, campaign: Campaign, phone: str | None = None, contact_id: int | None = None
) -> Contact | None:
    """The contact of `campaign`'s workspace named by a phone number (any format the
    number parser reads; InvalidPhoneNumber when it reads none) or an id; None if none."""
    contacts = Contact.objects.filter(workspace_id=campaign.workspace_id)
    if contact_id is not None:
        return contacts.filter(pk=contact_id).first()
    e164 = to_e164(phone or "")
    return contacts.filter(
        identities__kind=ContactIdentity.Kind.PHONE, identities__value=e164
    ).first()
