"""Invitations: a one-time link by email; the raw token lives only in the link."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inbox.models import Membership, Role, Workspace
from inbox.services import audit
from members.models import Invitation, hash_invite_token
from members.services import two_factor


class InvitationError(ValueError):
    """A readable reason the invitation cannot be made or used."""


def invite_url(raw: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/invite/{raw}/"


def pending(workspace: Workspace):
    return Invitation.objects.filter(
        workspace=workspace,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def create_invitation(workspace: Workspace, actor, email: str, role: str) -> tuple[Invitation, str]:
    """Invite `email` as `role`, mail the link, and return the row and the raw link.

    Inviting an address again replaces its pending invitation, so only the newest link
    works. An address that already belongs to an active member is refused.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise InvitationError(_("Choose a role: admin, manager or agent."))
    if Membership.objects.filter(
        workspace=workspace, is_active=True, user__email__iexact=email
    ).exists():
        raise InvitationError(f"{email} is already a member of this workspace.")
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for old in pending(workspace).filter(email__iexact=email).select_for_update(of=("self",)):
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=hash_invite_token(raw),
            invited_by=actor,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit.record(
            workspace,
            actor,
            "member.invited",
            invitation,
            after={"email": email, "role": role},
            target_label=email,
        )
        url = invite_url(raw)
        transaction.on_commit(lambda: _send(invitation, actor, url))
    return invitation, url


def _send(invitation: Invitation, actor, url: str) -> None:
    context = {"invitation": invitation, "inviter": actor, "url": url}
    # The invitee has no account, hence no language yet: the workspace's is the best guess.
    with translation.override(invitation.workspace.language or None):
        subject = _("You're invited to %(workspace)s") % {"workspace": invitation.workspace.name}
        message = render_to_string("members/email/invitation.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])


def revoke_invitation(invitation: Invitation, actor) -> None:
    if invitation.revoked_at is not None or invitation.accepted_at is not None:
        return
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            invitation.workspace,
            actor,
            "member.invitation_revoked",
            invitation,
            before={"email": invitation.email, "role": invitation.role},
            target_label=invitation.email,
        )


def find_pending(raw: str) -> Invitation | None:
    """The usable invitation behind a link, or None (unknown, used, revoked, expired)."""
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(token_hash=hash_invite_token(raw))
        .first()
    )
    return invitation if invitation is not None and invitation.is_pending else None


def accept(raw: str, user) -> Membership:
    """Make `user` a member on the invitation's terms; the link works exactly once.

    A deactivated member who is invited again is reactivated with the new role, keeping
    their history. Raises InvitationError when the link is no longer usable.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("workspace")
            .filter(token_hash=hash_invite_token(raw))
            .first()
        )
        if invitation is None or not invitation.is_pending:
            raise InvitationError(_("This invitation link is invalid, already used or expired."))
        membership = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
        before = None
        if membership is None:
            membership = Membership.objects.create(
                workspace=invitation.workspace, user=user, role=invitation.role
            )
        elif membership.is_active:
            raise InvitationError(_("You are already a member of this workspace."))
        else:
            before = audit.snapshot(membership, ["role", "is_active"])
            membership.role = invitation.role
            membership.is_active = True
            membership.save(update_fields=["role", "is_active"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            invitation.workspace,
            user,
            "member.joined",
            membership,
            before=before,
            after={"user": user.get_username(), "email": invitation.email, "role": membership.role},
            target_label=user.get_username(),
        )
    two_factor.forget(user)
    return membership


def create_user_and_accept(raw: str, username: str, password: str) -> Membership:
    """A new account for the invited address, joined in the same transaction.

    The password passes AUTH_PASSWORD_VALIDATORS here too (ValidationError otherwise),
    so no caller can create a weak account by skipping the form.
    """
    with transaction.atomic():
        invitation = find_pending(raw)
        if invitation is None:
            raise InvitationError(_("This invitation link is invalid, already used or expired."))
        User = get_user_model()
        password_validation.validate_password(
            password, User(username=username, email=invitation.email)
        )
        user = User.objects.create_user(
            username=username, email=invitation.email, password=password
        )
        return accept(raw, user)
