"""Reads for the automations page and API: rules in order, their recent runs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AutomationRule, AutomationRun

RECENT_RUNS = 5


def workspace_rules(workspace_id: int) -> QuerySet[AutomationRule]:
    return AutomationRule.objects.filter(workspace_id=workspace_id).order_by("position", "pk")


def rule_in_workspace(workspace_id: int, rule_id: int) -> AutomationRule | None:
    return workspace_rules(workspace_id).filter(pk=rule_id).first()


def recent_runs(rule: AutomationRule, limit: int = RECENT_RUNS) -> list[AutomationRun]:
    """The rule's last matches, newest first, with the message each answered."""
    return list(
        AutomationRun.objects.filter(rule=rule)
        .select_related("message", "conversation")
        .order_by("-created_at", "-pk")[:limit]
    )
