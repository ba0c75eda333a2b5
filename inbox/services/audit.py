"""The audit log: every settings change records who, what, when, and before/after.

Settings services call `record` inside the same transaction as the change, so an entry
exists exactly when the change does.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from inbox.models import AuditEntry, Workspace


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `instance` as JSON-safe values, for before/after."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, (str, int, float, bool, list, dict, type(None))):
            value = str(value)
        values[name] = value
    return values


def record(
    workspace: Workspace,
    actor,
    action: str,
    target: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    target_label: str = "",
) -> AuditEntry:
    """Append one entry. Secrets must never be passed in before/after (mask them first)."""
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=getattr(actor, "username", "") or "system",
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label or (str(target) if target is not None else ""),
        before=before,
        after=after,
    )
