"""The automatic texts a customer reads, in the customer's language.

Each text can be written per channel and per language (config key `customer_texts`,
e.g. {"es": {"opt_out": "...", "opt_in": "...", "help": "...", "out_of_hours": "..."}});
without one, consent confirmations fall back to the catalog's wording in that language,
and the out-of-hours and help replies to the channel's single text, if any, as before.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from inbox.models import Channel

from .consent_vocabulary import channel_keywords

CONFIG_KEY = "customer_texts"
# The kinds the channel's settings page edits per language (the out-of-hours reply is
# the hours page's).
FORM_KINDS = ("opt_out", "opt_in", "help")
# The single texts channels had before languages: written in the channel's language.
LEGACY_KEYS = {"out_of_hours": "out_of_hours_reply", "help": "help_reply"}


def _first(channel: Channel, language: str, action: str, fallback: str) -> str:
    words = channel_keywords(channel).get(language, {}).get(action) or ()
    return words[0] if words else fallback


def has_customer_texts(channel: Channel, kind: str) -> bool:
    """Whether any language has its own `kind` text on this channel (no query)."""
    texts = (channel.config or {}).get(CONFIG_KEY) or {}
    return any(isinstance(t, dict) and str(t.get(kind) or "").strip() for t in texts.values())


def customer_text(channel: Channel, kind: str, language: str) -> str:
    """The channel's `kind` text ("opt_out", "opt_in", "help", "out_of_hours") in
    `language`; "" when the channel sends none of that kind."""
    config = channel.config or {}
    own = ((config.get(CONFIG_KEY) or {}).get(language) or {}).get(kind)
    if isinstance(own, str) and own.strip():
        return own.strip()
    legacy = LEGACY_KEYS.get(kind)
    if legacy:
        return str(config.get(legacy) or "").strip()
    with translation.override(language):
        if kind == "opt_out":
            return gettext(
                "You will receive no more messages from %(channel)s. "
                "Reply %(keyword)s to subscribe again."
            ) % {"channel": channel.name, "keyword": _first(channel, language, "opt_in", "START")}
        if kind == "opt_in":
            return gettext(
                "You are subscribed to %(channel)s again. Reply %(keyword)s to stop."
            ) % {"channel": channel.name, "keyword": _first(channel, language, "opt_out", "STOP")}
    return ""
