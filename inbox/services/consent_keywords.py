"""A customer's consent keyword (STOP, START, HELP): the ledger changes, and HELP is
answered with the channel's help reply unless the provider already answered it."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from inbox.adapters import ConsentChange
from inbox.models import Author, Channel

from .consent import conversation_at, record_consent
from .errors import SendRejected
from .sending import send_message

log = logging.getLogger(__name__)


def apply_consent_change(channel: Channel, event: ConsentChange) -> None:
    """A keyword from the customer: update the ledger; answer HELP if nobody else did."""
    conversation = conversation_at(channel, event.sender, event.sender_kind)
    if event.action in ("opt_out", "opt_in"):
        record_consent(
            channel,
            event.sender,
            opted_out=event.action == "opt_out",
            source=event.source,
            keyword=event.keyword,
            conversation=conversation,
            note=_signal_note(event),
        )
    elif event.action == "help" and not event.provider_replied and conversation:
        help_reply = (channel.config or {}).get("help_reply", "")
        if help_reply:
            try:
                send_message(
                    conversation, {"type": "text", "text": help_reply}, author=Author.SYSTEM
                )
            except SendRejected as exc:
                # A suspended workspace (or a reply the channel refuses) must not keep the
                # customer's keyword from being applied: the ledger change above stands.
                log.info("HELP reply for %s refused: %s", event.sender, exc)


def _signal_note(event: ConsentChange) -> str:
    """The thread's note for a provider's own subscription signal (not a keyword)."""
    if event.source == "keyword":
        return ""
    if event.action == "opt_out":
        return _(
            "Unsubscribed: the customer turned off messages from {channel} on their phone. "
            "Nothing more can be sent from {channel} until they subscribe again."
        )
    return _("Subscribed again: the customer turned messages from {channel} back on.")
