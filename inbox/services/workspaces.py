"""Workspaces themselves: the first one and its admin, and an operator's suspend / resume.

The `create_workspace` command, the first-run page and the operators' page all call these,
so a workspace made by any of them starts with the same admin membership and defaults.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import (
    BusinessHours,
    Direction,
    Language,
    Membership,
    Message,
    MessageStatus,
    Role,
    Workspace,
)

from . import audit
from .outbox import enqueue

# Monday to Friday, 09:00-17:00 in the workspace's own time zone: a starting point the
# admin edits in settings. Off until they turn it on, so no out-of-hours reply surprises.
DEFAULT_WEEKLY_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}


class WorkspaceError(ValueError):
    """A readable reason the workspace cannot be made as asked."""


@dataclass(frozen=True)
class WorkspaceCreated:
    workspace: Workspace
    admin: object  # the admin's User
    created: bool  # False: the slug existed and nothing was changed


def time_zones() -> list[str]:
    """Every IANA zone name the server knows, sorted, for forms and validation."""
    return sorted(zoneinfo.available_timezones())


def _username_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    return re.sub(r"[^\w.@+-]", "", local)[:150] or "admin"


def _validate(*, name: str, slug: str, time_zone: str, language: str, email: str) -> None:
    if not name.strip():
        raise WorkspaceError(_("name: must not be empty"))
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise WorkspaceError(_("slug: letters, numbers, hyphens or underscores only")) from exc
    if time_zone not in zoneinfo.available_timezones():
        raise WorkspaceError(_("time zone: unknown zone %(zone)r") % {"zone": time_zone})
    if language not in Language.values:
        raise WorkspaceError(
            _("language: choose one of %(choices)s") % {"choices": ", ".join(Language.values)}
        )
    try:
        validate_email(email)
    except ValidationError as exc:
        raise WorkspaceError(_("admin email: not a valid address")) from exc


def _admin_user(*, email: str, username: str, password: str | None):
    """The admin's account: an existing one with this username and email, or a new one.

    A username that belongs to someone with another address is refused rather than given
    the workspace: the operator mistyped, or meant somebody else.
    """
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is not None:
        if (user.email or "").lower() != email:
            raise WorkspaceError(
                _("admin username: %(username)s already belongs to another email address")
                % {"username": username}
            )
        return user
    user = users.create_user(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()  # set through the one-time setup link
    user.save()
    return user


def create_workspace(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_username: str = "",
    admin_password: str | None = None,
    time_zone: str = "UTC",
    language: str = Language.ENGLISH,
    business_hours_enabled: bool = False,
    actor=None,
) -> WorkspaceCreated:
    """A workspace with its first admin and default business hours, in one transaction.

    Idempotent on the slug: if a workspace with it exists, nothing is changed and its
    first admin is returned with `created=False` (a rerun of a provisioning script is
    harmless). Raises WorkspaceError with a readable reason.
    """
    name, slug = name.strip(), slug.strip().lower()
    email = admin_email.strip().lower()
    existing = Workspace.objects.filter(slug=slug).first()
    if existing is not None:
        return WorkspaceCreated(existing, first_admin(existing), created=False)
    _validate(name=name, slug=slug, time_zone=time_zone, language=language, email=email)
    username = admin_username.strip() or _username_from_email(email)
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(
                slug=slug, name=name, timezone=time_zone, language=language
            )
            user = _admin_user(email=email, username=username, password=admin_password)
            membership = Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
            BusinessHours.objects.create(
                workspace=workspace, enabled=business_hours_enabled, weekly=DEFAULT_WEEKLY_HOURS
            )
            audit.record(
                workspace,
                actor or user,
                "workspace.created",
                workspace,
                after={
                    "name": name,
                    "slug": slug,
                    "timezone": time_zone,
                    "language": language,
                    "admin": user.get_username(),
                },
                target_label=slug,
            )
            audit.record(
                workspace,
                actor or user,
                "member.joined",
                membership,
                after={"user": user.get_username(), "email": email, "role": Role.ADMIN},
                target_label=user.get_username(),
            )
    except IntegrityError:
        # Two creators raced for the slug: the other one won, and that is the answer.
        existing = Workspace.objects.filter(slug=slug).first()
        if existing is None:
            raise
        return WorkspaceCreated(existing, first_admin(existing), created=False)
    return WorkspaceCreated(workspace, user, created=True)


def first_admin(workspace: Workspace):
    """The workspace's oldest active admin (the one it was created with), or None."""
    membership = (
        Membership.objects.filter(workspace=workspace, role=Role.ADMIN, is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


def suspend_workspace(workspace: Workspace, *, actor) -> Workspace:
    """Members can no longer sign in or send; queued replies wait; webhooks still land.

    Suspending a suspended workspace changes nothing and records nothing.
    """
    return _set_suspended(workspace, actor=actor, suspended=True)


def resume_workspace(workspace: Workspace, *, actor) -> Workspace:
    """Lift a suspension and send what was held while it lasted."""
    return _set_suspended(workspace, actor=actor, suspended=False)


def _set_suspended(workspace: Workspace, *, actor, suspended: bool) -> Workspace:
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if (workspace.suspended_at is not None) == suspended:
            return workspace
        workspace.suspended_at = timezone.now() if suspended else None
        workspace.save(update_fields=["suspended_at"])
        audit.record(
            workspace,
            actor,
            "workspace.suspended" if suspended else "workspace.resumed",
            workspace,
            before={"suspended": not suspended},
            after={"suspended": suspended},
            target_label=workspace.slug,
        )
        if not suspended:
            _release_held(workspace)
    return workspace


def _release_held(workspace: Workspace) -> None:
    """Request delivery of the replies that stayed queued during the suspension: a drain
    for first attempts, the single path for retries and channels with a fallback."""
    held = Message.objects.filter(
        workspace=workspace, direction=Direction.OUTBOUND, status=MessageStatus.QUEUED
    )
    single_path = Q(attempts__gt=0) | Q(channel__fallback__isnull=False)
    for pk in held.filter(single_path).values_list("pk", flat=True):
        enqueue.delivery(pk)
    transaction.on_commit(enqueue.kick)


def is_suspended(workspace_id: int) -> bool:
    return Workspace.objects.filter(pk=workspace_id, suspended_at__isnull=False).exists()
