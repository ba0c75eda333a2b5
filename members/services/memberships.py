"""Role changes and deactivation; a workspace always keeps at least one active admin."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import ApiToken, Membership, Role
from inbox.services import audit
from members.services import two_factor


class MembershipError(ValueError):
    """A readable reason the change was refused."""


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            workspace_id=membership.workspace_id, role=Role.ADMIN, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _locked(membership: Membership) -> Membership:
    # Lock the workspace's admin rows so two admins demoting each other at once cannot
    # both pass the "another admin remains" check.
    list(
        Membership.objects.select_for_update().filter(
            workspace_id=membership.workspace_id, role=Role.ADMIN
        )
    )
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "workspace")
        .get(pk=membership.pk)
    )


def set_role(membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise MembershipError(_("Choose a role: admin, manager or agent."))
    with transaction.atomic():
        membership = _locked(membership)
        if membership.role == role:
            return membership
        if membership.role == Role.ADMIN and not _other_active_admins(membership):
            raise MembershipError(_("A workspace needs at least one admin; promote someone first."))
        before = audit.snapshot(membership, ["role"])
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            membership.workspace,
            actor,
            "member.role_changed",
            membership,
            before=before,
            after={"role": role},
            target_label=membership.user.get_username(),
        )
    return membership


def set_active(membership: Membership, active: bool, actor) -> Membership:
    """Deactivate (or reactivate) a member; their messages and audit entries stay.

    Deactivation also revokes their API tokens here: a token must not outlive access.
    """
    with transaction.atomic():
        membership = _locked(membership)
        if membership.is_active == active:
            return membership
        if not active:
            if membership.user_id == getattr(actor, "pk", None):
                raise MembershipError(_("You cannot deactivate yourself; ask another admin."))
            if membership.role == Role.ADMIN and not _other_active_admins(membership):
                raise MembershipError(_("A workspace needs at least one active admin."))
            ApiToken.objects.filter(
                user_id=membership.user_id,
                workspace_id=membership.workspace_id,
                revoked_at__isnull=True,
            ).update(revoked_at=timezone.now())
        before = audit.snapshot(membership, ["is_active"])
        membership.is_active = active
        membership.save(update_fields=["is_active"])
        audit.record(
            membership.workspace,
            actor,
            "member.reactivated" if active else "member.deactivated",
            membership,
            before=before,
            after={"is_active": active},
            target_label=membership.user.get_username(),
        )
    two_factor.forget(membership.user)
    return membership
