"""Consent keywords per language and per channel: which words opt a customer out, back
in, or ask for help, matched however they are typed ("bája", "Baja.", "¡ALTO!").

Each channel starts from these defaults and may replace any language's list (admins edit
them on the channel's page; config key `consent_keywords`, e.g.
{"es": {"opt_out": ["BAJA", ...], "opt_in": [...], "help": [...]}}). Only a message that
is exactly one keyword counts: "baja por favor" is a sentence for an agent to read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from inbox.models import Channel

CONFIG_KEY = "consent_keywords"
ACTIONS = ("opt_out", "opt_in", "help")

DEFAULTS: dict[str, dict[str, tuple[str, ...]]] = {
    # Twilio's and the CTIA's usual words.
    "en": {
        "opt_out": ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"),
        "opt_in": ("START", "YES", "UNSTOP"),
        "help": ("HELP", "INFO"),
    },
    # What Spanish-speaking customers text in Mexico and the rest of Latin America.
    "es": {
        "opt_out": ("BAJA", "ALTO", "CANCELAR", "DETENER", "FIN"),
        "opt_in": ("ALTA", "INICIO", "SI"),
        "help": ("AYUDA",),
    },
}

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class KeywordMatch:
    action: str  # "opt_out" | "opt_in" | "help"
    language: str
    keyword: str  # as normalized, e.g. "BAJA"


def normalize(text: str) -> str:
    """Upper case, accents and surrounding punctuation gone: "¡Bája!" -> "BAJA"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _EDGE_PUNCTUATION.sub("", bare.strip())).upper()


def channel_keywords(channel: Channel) -> dict[str, dict[str, tuple[str, ...]]]:
    """The channel's table: defaults, with each language's lists replaced where edited."""
    edited = (channel.config or {}).get(CONFIG_KEY) or {}
    table = {}
    for language in sorted(set(DEFAULTS) | set(edited)):
        own = edited.get(language) or {}
        table[language] = {
            action: tuple(normalize(w) for w in own[action] if normalize(w))
            if isinstance(own.get(action), list)
            else DEFAULTS.get(language, {}).get(action, ())
            for action in ACTIONS
        }
    return table


def match_keyword(channel: Channel, text: str, *, prefer: str = "") -> KeywordMatch | None:
    """The keyword `text` is on this channel, or None. A word in two languages' lists
    (an admin's choice) counts in `prefer` first, the customer's language."""
    word = normalize(text)
    if not word or " " in word:
        return None
    table = channel_keywords(channel)
    languages = sorted(table, key=lambda language: language != prefer)
    for language in languages:
        for action in ACTIONS:
            if word in table[language][action]:
                return KeywordMatch(action=action, language=language, keyword=word)
    return None


def parse_keyword_list(raw: str) -> list[str]:
    """An admin's comma- or line-separated list, normalized and without repeats."""
    seen: list[str] = []
    for part in re.split(r"[,\n]", raw or ""):
        word = normalize(part)
        if word and word not in seen:
            seen.append(word)
    return seen
