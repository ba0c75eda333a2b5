"""The automatic reply a customer gets when they write while the workspace is closed.

Per channel (its config key `out_of_hours_reply`), sent through the normal outbox as a
bot message, and at most once per conversation per closed period: a second message on
the same evening gets no second "we are closed". "Same closed period" means no open
business time lies between the last bot reply and now, which is exactly what
business_seconds measures, so holidays and daylight-saving days need no special case.
"""

from __future__ import annotations

import logging

from django.db import transaction

from inbox.models import Author, Conversation, Message

from .business_hours import business_seconds, is_open, schedule_for
from .canned import render_canned
from .customer_language import customer_language
from .customer_texts import customer_text, has_customer_texts
from .errors import SendRejected
from .sending import send_message

log = logging.getLogger(__name__)

CONFIG_KEY = "out_of_hours_reply"


def reply_text(channel) -> str:
    return str((channel.config or {}).get(CONFIG_KEY) or "").strip()


def reply_if_closed(conversation: Conversation, message: Message) -> Message | None:
    """Queue the channel's out-of-hours reply to `message` if due; the queued reply or None.

    A refusal by the send path (opted-out customer, disabled channel) is logged and
    swallowed: the customer's message is already stored and must stay so.
    """
    channel = message.channel
    if not reply_text(channel) and not has_customer_texts(channel, "out_of_hours"):
        return None
    schedule = schedule_for(channel.workspace)
    at = message.created_at
    if is_open(schedule, at):
        return None
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("contact")
            .get(pk=conversation.pk)
        )
        last = (
            Message.objects.filter(conversation=conversation, author=Author.BOT)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and business_seconds(last, at, schedule) == 0:
            return None
        # In the customer's language when the channel has a text for it (customer_texts.py).
        language = customer_language(conversation.contact, channel)
        text = customer_text(channel, "out_of_hours", language)
        if not text:
            return None
        body = render_canned(text, conversation.contact, None)
        try:
            return send_message(
                conversation, {"type": "text", "text": body}, author=Author.BOT, channel=channel
            )
        except SendRejected as exc:
            log.info("out-of-hours reply for conversation %s refused: %s", conversation.pk, exc)
            return None
