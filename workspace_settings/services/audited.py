"""Saving and deleting simple settings rows with their audit entry in the same transaction."""

from __future__ import annotations

from django.db import models, transaction

from inbox.services.audit import record, snapshot


def save(
    instance: models.Model, actor, *, fields: list[str], action: str, before: dict | None
) -> models.Model:
    """Save `instance` (already validated) and record `action` with before/after values.

    `before` is the snapshot taken before a form touched the instance (None for a create).
    """
    with transaction.atomic():
        instance.save()
        after = snapshot(instance, fields)
        if before != after:
            record(instance.workspace, actor, action, instance, before=before, after=after)
    return instance


def delete(instance: models.Model, actor, *, fields: list[str], action: str) -> None:
    with transaction.atomic():
        before = snapshot(instance, fields)
        label = str(instance)
        record(instance.workspace, actor, action, instance, before=before, target_label=label)
        instance.delete()
