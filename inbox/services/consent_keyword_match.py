"""A customer's typed message that is one consent keyword on its channel, in any of the
channel's languages: the ledger changes and the customer gets a confirmation in their
language (inbox/services/consent_vocabulary.py, customer_texts.py).

Providers that classify keywords themselves (Twilio's STOP, START, HELP) send their own
ConsentChange and answer the customer; ingest skips this for those messages.
"""

from __future__ import annotations

import logging

from inbox.models import Author, Channel, Conversation, Message

from .consent import consent_for, record_consent
from .consent_notice import NOTICE_KEY
from .consent_vocabulary import match_keyword
from .customer_language import customer_language
from .customer_texts import customer_text
from .errors import SendRejected
from .sending import send_message

log = logging.getLogger(__name__)


def answer_consent_keyword(
    channel: Channel, conversation: Conversation, message: Message, *, sender: str
) -> bool:
    """Apply `message` if it is exactly one keyword; True when it was one."""
    content = message.content or {}
    if content.get("type") != "text":  # a tapped suggestion "Cancel" is no keyword
        return False
    text = str(content.get("text") or "")
    if match_keyword(channel, text) is None:  # most messages: no query spent on them
        return False
    contact = conversation.contact
    preferred = customer_language(contact, channel)
    match = match_keyword(channel, text, prefer=preferred)
    # A contact's own language wins; otherwise answer in the language they texted in
    # (the channel's, when the word is in both lists).
    language = preferred if contact.language else match.language
    current = consent_for(channel, sender)
    opted_out = current is not None and current.opted_out
    if match.action == "opt_out" and not opted_out:
        # Queued before the ledger changes, so the send path accepts it; the outbox lets
        # the notice through once the opt-out is recorded.
        _reply(conversation, channel, customer_text(channel, "opt_out", language), notice=True)
        record_consent(
            channel,
            sender,
            opted_out=True,
            source="keyword",
            keyword=match.keyword,
            conversation=conversation,
        )
    elif match.action == "opt_in" and opted_out:
        record_consent(
            channel,
            sender,
            opted_out=False,
            source="keyword",
            keyword=match.keyword,
            conversation=conversation,
        )
        _reply(conversation, channel, customer_text(channel, "opt_in", language))
    elif match.action == "help":
        _reply(conversation, channel, customer_text(channel, "help", language))
    else:
        return False  # "Sí" from a subscribed customer is an answer, not a keyword
    return True


def _reply(conversation: Conversation, channel: Channel, text: str, *, notice: bool = False):
    if not text:
        return None
    content = {"type": "text", "text": text}
    if notice:
        content[NOTICE_KEY] = "opt_out"
    try:
        return send_message(conversation, content, author=Author.SYSTEM, channel=channel)
    except SendRejected as exc:
        log.info("consent confirmation for conversation %s refused: %s", conversation.pk, exc)
        return None
