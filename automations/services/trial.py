"""Trying a rule against a sample message, writing nothing: does the trigger match, and
would another rule answer first? What the reply would say is the template's own text."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from inbox.content import render_text
from inbox.models import MessageTemplate

from .. import rule_cache
from ..matching import STRUCTURAL, CompiledRules, RuleKey, is_consent_keyword
from ..models import AutomationRule


@dataclass
class Trial:
    matches: bool
    note: str = ""
    first_rule: AutomationRule | None = None  # the rule that would answer, if another
    replies: list[str] = field(default_factory=list)


def sample_content(text: str, postback: str) -> dict:
    if postback:
        return {"type": "suggestion_response", "text": text or postback, "postback": postback}
    return {"type": "text", "text": text}


def try_rule(rule: AutomationRule, *, text: str, postback: str = "") -> Trial:
    content = sample_content(text.strip(), postback.strip())
    own = CompiledRules.build(
        [RuleKey(id=rule.pk, trigger=rule.trigger, value=rule.trigger_value.strip(),
                 match_prefix=rule.match_prefix)]
    )  # fmt: skip
    replies = _replies(rule)
    if not postback and is_consent_keyword(text):
        return Trial(False, _("A consent keyword: no rule ever answers it."), replies=replies)
    if rule.pk not in own.candidates(content, text, channel_id=0):
        return Trial(False, _("The trigger does not match this message."), replies=replies)
    note = ""
    if rule.trigger in STRUCTURAL:
        note = _("Whether this holds is checked when a real message arrives.")
    if rule.conditions:
        note = " ".join([note, _("Its conditions are checked then too.")]).strip()
    everyone = rule_cache.rules_for(rule.workspace_id).candidates(content, text, channel_id=0)
    first = everyone[0] if everyone else None
    first_rule = None
    if rule.is_enabled and first is not None and first != rule.pk:
        first_rule = AutomationRule.objects.filter(pk=first).first()
    if not rule.is_enabled:
        note = " ".join([note, _("The rule is disabled.")]).strip()
    return Trial(True, note, first_rule, replies)


def _replies(rule: AutomationRule) -> list[str]:
    ids = [a.get("template_id") for a in rule.actions if a.get("type") == "reply"]
    templates = MessageTemplate.objects.in_bulk([i for i in ids if i])
    return [render_text(templates[i].content) for i in ids if i in templates]
