"""Which rules an inbound message can trigger, decided in memory (pure functions).

This runs for every applied inbound message, so it reads no database: the workspace's
enabled rules are compiled once (automations.rule_cache) into a postback table and
normalized keyword phrases, and a message is matched in microseconds whatever the number
of rules. Triggers that need the database (a new conversation, out of hours, a reply to a
campaign) are only listed as candidates here and checked by the task.

Keywords match case- and accent-insensitively in any script: both sides are folded with
Unicode NFKD, combining marks removed and casefold() applied, and compared as whole words
("saldo" matches "¿Cuál es mi SALDO?" but not "saldos"; "pagar" matches "PAGÁR").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Trigger

# Words a customer uses to opt out, opt in or ask for help, in the languages the
# workspaces speak. Consent is applied by the ingest path before any rule runs; a rule
# never answers these, so a "STOP" can never be swallowed by a keyword rule.
CONSENT_KEYWORDS = frozenset(
    {
        # English (carriers' and Twilio's defaults)
        "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
        "start", "yes", "unstop", "help", "info",
        # Spanish
        "baja", "alta", "parar", "detener", "cancelar", "ayuda", "darme de baja",
        # Portuguese and French
        "sair", "arret", "arreter", "aide",
    }
)  # fmt: skip

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)

# Triggers the task checks against the database; every rule with one is a candidate.
STRUCTURAL = (Trigger.NEW_CONVERSATION, Trigger.OUT_OF_HOURS, Trigger.CAMPAIGN_REPLY)


def fold(text: str) -> str:
    """Lower case, without accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


def phrases(value: str) -> list[str]:
    """A keyword rule's phrases (one per line or comma-separated), folded, non-empty."""
    return [p for p in (fold(part) for part in re.split(r"[\n,]", value)) if p]


def is_consent_keyword(typed: str) -> bool:
    return fold(typed) in CONSENT_KEYWORDS


@dataclass(frozen=True)
class RuleKey:
    """What matching needs of one rule (no ORM object kept in the process cache)."""

    id: int
    trigger: str
    value: str = ""
    match_prefix: bool = False
    channel_ids: frozenset[int] = frozenset()


@dataclass
class CompiledRules:
    """A workspace's enabled rules, in order, ready to match."""

    keys: tuple[RuleKey, ...] = ()
    _exact: dict[str, list[int]] = field(default_factory=dict)
    _prefixes: list[tuple[str, int]] = field(default_factory=list)
    _keywords: list[tuple[str, int]] = field(default_factory=list)
    _structural: list[int] = field(default_factory=list)
    _order: dict[int, int] = field(default_factory=dict)
    _channels: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, keys: Iterable[RuleKey]) -> CompiledRules:
        compiled = cls(keys=tuple(keys))
        for n, key in enumerate(compiled.keys):
            compiled._order[key.id] = n
            if key.channel_ids:
                compiled._channels[key.id] = key.channel_ids
            if key.trigger == Trigger.POSTBACK and key.value:
                if key.match_prefix:
                    compiled._prefixes.append((key.value, key.id))
                else:
                    compiled._exact.setdefault(key.value, []).append(key.id)
            elif key.trigger == Trigger.KEYWORD:
                compiled._keywords += [(f" {p} ", key.id) for p in phrases(key.value)]
            elif key.trigger in STRUCTURAL:
                compiled._structural.append(key.id)
        return compiled

    def __bool__(self) -> bool:
        return bool(self.keys)

    def candidates(self, content: dict, text: str, *, channel_id: int) -> list[int]:
        """Ids of the rules this message may trigger, in rule order (their conditions
        other than the channel are checked later, by the task)."""
        found: set[int] = set(self._structural)
        typed = typed_text(content, text)
        if typed is not None and is_consent_keyword(typed):
            return []
        said = typed
        if content.get("type") == "suggestion_response":
            postback = content.get("postback")
            if isinstance(postback, str) and postback:
                found.update(self._exact.get(postback, ()))
                found.update(rule for prefix, rule in self._prefixes if postback.startswith(prefix))
            said = str(content.get("text") or "")  # a tap "says" its chip's words
        if said and self._keywords:
            padded = f" {fold(said)} "
            found.update(rule_id for phrase, rule_id in self._keywords if phrase in padded)
        allowed = [
            rule_id
            for rule_id in found
            if rule_id not in self._channels or channel_id in self._channels[rule_id]
        ]
        return sorted(allowed, key=self._order.__getitem__)


def typed_text(content: dict, text: str) -> str | None:
    """What the customer typed, or None for a real chip tap (nothing typed).

    A numbered SMS answer ("1", or the option's words) is stored as a suggestion
    response with the original text kept: that text is what a consent check reads.
    """
    kind = content.get("type")
    if kind == "suggestion_response":
        original = content.get("original_text")
        return str(original) if original is not None else None
    if kind == "text":
        return str(content.get("text", text) or "")
    return text or ""
