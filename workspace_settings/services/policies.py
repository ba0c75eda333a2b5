"""The workspace-wide policies set on the security and data pages (two-factor required,
message retention), each audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from inbox.models import Workspace
from inbox.services import audit
from members.services import two_factor

MAX_RETENTION_DAYS = 36500


def set_require_two_factor(workspace: Workspace, required: bool, actor) -> Workspace:
    """Turn enforcement on or off. Turning it on needs the acting admin's own device,
    so the admin who flips it is never the first to be sent away by it."""
    if required and not two_factor.requirement(actor).has_device:
        raise ValueError(_("Set up two-factor for your own account before requiring it."))
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if workspace.require_two_factor == required:
            return workspace
        before = audit.snapshot(workspace, ["require_two_factor"])
        workspace.require_two_factor = required
        workspace.save(update_fields=["require_two_factor"])
        audit.record(
            workspace,
            actor,
            "security.two_factor_required" if required else "security.two_factor_optional",
            workspace,
            before=before,
            after={"require_two_factor": required},
        )
    two_factor.forget_workspace(workspace)
    return workspace


def set_retention_days(workspace: Workspace, days: int | None, actor) -> Workspace:
    """None keeps messages forever; N purges messages older than N days (beat task)."""
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"Retention must be between 1 and {MAX_RETENTION_DAYS} days.")
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if workspace.retention_days == days:
            return workspace
        before = audit.snapshot(workspace, ["retention_days"])
        workspace.retention_days = days
        workspace.save(update_fields=["retention_days"])
        audit.record(
            workspace,
            actor,
            "data.retention_changed",
            workspace,
            before=before,
            after={"retention_days": days},
        )
    return workspace
