"""The audit log: every settings change records who, what, when, and before/after.

Settings services call `record` inside the same transaction as the change, so an entry
exists exactly when the change does.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Cast

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


# --- erasure ------------------------------------------------------------------------------

ERASED = "[erased]"
_CONTACT = "contact"


def _redacted(value: Any, *, personal: bool = False) -> Any:
    """The same shape with the person's values replaced: texts always, every value under
    `attributes` (an age or an account number is theirs too); ids, counts and flags stay,
    so the entry still says what changed."""
    if isinstance(value, dict):
        return {k: _redacted(v, personal=personal or k == "attributes") for k, v in value.items()}
    if isinstance(value, list):
        return ERASED if value else value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not personal:
        return value
    return ERASED


def _without(value: Any, secrets: frozenset[str]) -> Any:
    """`value` with every text that contains one of `secrets` replaced."""
    if isinstance(value, dict):
        return {k: _without(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, secrets) for v in value]
    if isinstance(value, str) and any(s in value.lower() for s in secrets):
        return ERASED
    return value


def _save_if_changed(entry: AuditEntry, before: Any, after: Any, label: str) -> bool:
    if (before, after, label) == (entry.before, entry.after, entry.target_label):
        return False
    entry.before, entry.after, entry.target_label = before, after, label
    # The one write besides `record`: erasure keeps the entry (who, what, when) and
    # removes only the person's values from it.
    entry.save(update_fields=["before", "after", "target_label"])
    return True


def erase_contact(workspace: Workspace, contact_id: int, *, addresses: list[str]) -> int:
    """Remove a contact's personal data from the workspace's audit log; returns how many
    entries changed.

    Entries about the contact (updates, merges, exports) keep their keys with the values
    replaced. Any other entry that quotes one of its addresses (phone, email) has that
    text replaced. The entries themselves stay: the fact of a change is not the
    contact's data.
    """
    changed = 0
    label = f"{_CONTACT} {contact_id}"
    for entry in AuditEntry.objects.filter(
        workspace=workspace, target_type=_CONTACT, target_id=str(contact_id)
    ):
        changed += _save_if_changed(entry, _redacted(entry.before), _redacted(entry.after), label)
    secrets = frozenset(a.lower() for a in addresses if a and len(a) >= 5)
    if not secrets:
        return changed
    quoting = models.Q()
    for secret in secrets:
        quoting |= (
            models.Q(before_text__icontains=secret)
            | models.Q(after_text__icontains=secret)
            | models.Q(target_label__icontains=secret)
        )
    candidates = (
        AuditEntry.objects.filter(workspace=workspace)
        .annotate(
            before_text=Cast("before", models.TextField()),
            after_text=Cast("after", models.TextField()),
        )
        .filter(quoting)
    )
    for entry in candidates:
        target_label = entry.target_label
        if any(s in target_label.lower() for s in secrets):
            target_label = f"{entry.target_type} {entry.target_id}".strip() or ERASED
        changed += _save_if_changed(
            entry, _without(entry.before, secrets), _without(entry.after, secrets), target_label
        )
    return changed


def erase_contact_values_before(workspace: Workspace, cutoff) -> int:
    """Retention: entries about contacts older than `cutoff` lose the values they quote
    (the contact's current data lives on its row, not in history)."""
    changed = 0
    old = AuditEntry.objects.filter(
        workspace=workspace, target_type=_CONTACT, created_at__lt=cutoff
    ).exclude(before__isnull=True, after__isnull=True)
    for entry in old.iterator():
        changed += _save_if_changed(
            entry,
            _redacted(entry.before),
            _redacted(entry.after),
            f"{_CONTACT} {entry.target_id}",
        )
    return changed
