"""The admin's writes to automation rules (create, edit, enable/disable, reorder, delete)
and to the reply guard, each audited in the same transaction. Saving or deleting a rule
refreshes every process's compiled rules (automations.receivers, after commit)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inbox.models import Workspace
from inbox.services.audit import record, snapshot

from ..models import AutomationPolicy, AutomationRule
from .rule_spec import RuleRejected, checked, checked_secret

FIELDS = [
    "name",
    "position",
    "is_enabled",
    "trigger",
    "trigger_value",
    "match_prefix",
    "conditions",
    "actions",
]
MAX_REPLIES_LIMIT = 100


def _snapshot(rule: AutomationRule) -> dict:
    """What the audit log keeps of a rule: its fields, and whether it holds a webhook
    secret (never the secret)."""
    return {**snapshot(rule, FIELDS), "webhook_secret": "set" if rule.webhook_secret else ""}


def _apply_secret(rule: AutomationRule, data: dict[str, Any]) -> None:
    """`webhook_secret` in `data` replaces the rule's ("" removes it); left out, it is
    kept. A rule without a webhook action keeps none: it has nowhere to send it."""
    if "webhook_secret" in data and data["webhook_secret"] is not None:
        rule.webhook_secret = checked_secret(str(data["webhook_secret"]))
    if not any(a.get("type") == "webhook" for a in rule.actions):
        rule.webhook_secret = ""


def _save(rule: AutomationRule, action: str, actor, before: dict | None) -> AutomationRule:
    try:
        with transaction.atomic():
            rule.save()
            after = _snapshot(rule)
            if after != before:
                record(
                    rule.workspace, actor, action, rule, before=before, after=after,
                    target_label=rule.name,
                )  # fmt: skip
    except IntegrityError:
        raise RuleRejected([_("name: a rule with this name already exists")]) from None
    return rule


def create_rule(*, workspace: Workspace, actor, data: dict[str, Any]) -> AutomationRule:
    """A new rule, last in order; RuleRejected lists every problem and nothing is saved."""
    spec = checked(workspace, data)
    last = AutomationRule.objects.filter(workspace=workspace).aggregate(n=Max("position"))["n"]
    rule = AutomationRule(
        workspace=workspace,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        position=(last or 0) + 1,
        **vars(spec),
    )
    _apply_secret(rule, data)
    return _save(rule, "automation.created", actor, None)


def update_rule(*, rule: AutomationRule, actor, data: dict[str, Any]) -> AutomationRule:
    """Change a rule; fields left out of `data` stay as they are."""
    before = _snapshot(rule)
    merged = {key: before[key] for key in FIELDS if key != "position"}
    merged.update({k: v for k, v in data.items() if k in merged})
    spec = checked(rule.workspace, merged)
    for key, value in vars(spec).items():
        setattr(rule, key, value)
    if "position" in data:
        rule.position = max(0, int(data["position"]))
    _apply_secret(rule, data)
    return _save(rule, "automation.updated", actor, before)


def set_enabled(*, rule: AutomationRule, actor, enabled: bool) -> AutomationRule:
    before = _snapshot(rule)
    rule.is_enabled = enabled
    return _save(rule, "automation.enabled" if enabled else "automation.disabled", actor, before)


def delete_rule(*, rule: AutomationRule, actor) -> None:
    with transaction.atomic():
        record(
            rule.workspace, actor, "automation.deleted", rule,
            before=_snapshot(rule), target_label=rule.name,
        )  # fmt: skip
        rule.delete()


def set_max_replies(*, workspace: Workspace, actor, max_replies_per_hour: int) -> None:
    """The reply guard: at most this many automated replies per conversation per hour."""
    if not 1 <= max_replies_per_hour <= MAX_REPLIES_LIMIT:
        raise RuleRejected([_("max_replies_per_hour: 1 to %(max)d") % {"max": MAX_REPLIES_LIMIT}])
    with transaction.atomic():
        policy = AutomationPolicy.objects.select_for_update().filter(workspace=workspace).first()
        before = policy.max_replies_per_hour if policy else None
        if before == max_replies_per_hour:
            return
        AutomationPolicy.objects.update_or_create(
            workspace=workspace, defaults={"max_replies_per_hour": max_replies_per_hour}
        )
        record(
            workspace, actor, "automation.guard_changed",
            before={"max_replies_per_hour": before},
            after={"max_replies_per_hour": max_replies_per_hour},
            target_label=_("Automated replies per conversation per hour"),
        )  # fmt: skip
