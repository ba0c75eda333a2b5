"""Each process keeps every workspace's enabled rules compiled, so matching an inbound
message reads neither PostgreSQL nor (most of the time) Redis.

Kept fresh by inbox.versioned_cache: every rule change drops this process's entry and
bumps the workspace's version token in Redis after commit (automations.receivers); other
processes recheck it at most every `AUTOMATION_RULES_RECHECK_SECONDS` (1 s) and recompile
when it changed. Without Redis the rules are read from the database each time.
"""

from __future__ import annotations

from django.conf import settings

from inbox.versioned_cache import WorkspaceCache

from .matching import CompiledRules, RuleKey
from .models import AutomationRule


def _load(workspace_id: int) -> CompiledRules:
    rows = AutomationRule.objects.filter(workspace_id=workspace_id, is_enabled=True).values_list(
        "pk", "trigger", "trigger_value", "match_prefix", "conditions"
    )
    keys = []
    for pk, trigger, value, prefix, conditions in rows.order_by("position", "pk"):
        channel_ids = (conditions or {}).get("channel_ids") or ()
        keys.append(
            RuleKey(
                id=pk,
                trigger=trigger,
                value=value.strip(),
                match_prefix=prefix,
                channel_ids=frozenset(int(c) for c in channel_ids),
            )
        )
    return CompiledRules.build(keys)


def _recheck_seconds() -> float:
    return settings.AUTOMATION_RULES_RECHECK_SECONDS


_cache: WorkspaceCache[CompiledRules] = WorkspaceCache("automations:rules", _load, _recheck_seconds)
VERSION_KEY = _cache.version_key


def rules_for(workspace_id: int) -> CompiledRules:
    """The workspace's enabled rules, compiled (at most a recheck interval old)."""
    return _cache.get(workspace_id)


def forget(workspace_id: int) -> None:
    """A rule of the workspace changed: this process now, the others within a second."""
    _cache.forget(workspace_id)


def clear() -> None:
    """Drop every cached entry of this process (tests, the benchmark)."""
    _cache.clear()
