"""A customer message that answers a campaign is recorded as the campaign's reply.

Called by ingest inside the transaction that writes the message, so the reply, its
badge in the thread and the funnel's count commit (or roll back) together. A tap on a
suggestion the template marks as a conversion records the conversion too.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from inbox.content import reply_options
from inbox.models import CampaignConversion, CampaignRecipient, CampaignReply, Message
from inbox.selectors.campaign_attribution import attributable_recipient

from .conversions import ConversionRejected, record_conversion

log = logging.getLogger(__name__)


def attribute_reply(message: Message) -> CampaignReply | None:
    """The message's CampaignReply (and postback conversion), or None. A failure here is
    logged and rolled back to its own savepoint: reporting never loses a customer's
    message."""
    try:
        with transaction.atomic():
            return _attribute(message)
    except DatabaseError:
        log.exception("campaign attribution failed for message %s", message.pk)
        return None


def _numbered_option(recipient: CampaignRecipient, content: dict) -> str | None:
    """The postback of the option a text reply names ("1", or the option's text) when the
    campaign's message went out as text with the template's generated numbering: the SMS
    counterpart of a chip tap, so clicks and postback conversions count alike on both
    channels. (The inbox's own interpretation skips messages carrying a fallback_text,
    which every campaign message does.) None for anything else."""
    if content.get("type") != "text" or recipient.campaign.template.sms_text_edited:
        return None
    sent = recipient.message
    caps = sent.channel.adapter.capabilities(sent.channel)
    if caps.suggestions:
        return None  # the customer could tap real chips; their text is just text
    typed = str(content.get("text", "")).strip().rstrip(".!").casefold()
    for option in reply_options(recipient.campaign.template.content):
        if typed == str(option["number"]) or typed == option["text"].casefold():
            return option["postback"]
    return None


def _attribute(message: Message) -> CampaignReply | None:
    recipient = attributable_recipient(message)  # a new message: nothing recorded yet
    if recipient is None:
        return None
    content = message.content if isinstance(message.content, dict) else {}
    tapped = content.get("type") == "suggestion_response"
    postback = str(content.get("postback") or "")
    if not tapped:
        postback = _numbered_option(recipient, content) or ""
        tapped = bool(postback)
    reply, _created = CampaignReply.objects.get_or_create(
        message=message,
        defaults={
            "campaign": recipient.campaign,
            "recipient": recipient,
            "at": message.created_at,
            "tapped": tapped,
        },
    )
    campaign = recipient.campaign
    if tapped and postback and postback in (campaign.template.conversion_postbacks or []):
        try:
            record_conversion(
                campaign,
                recipient.contact,
                source=CampaignConversion.Source.POSTBACK,
            )
        except ConversionRejected:
            pass  # the recipient has no message (cannot happen for a reply): nothing to add
    return reply
