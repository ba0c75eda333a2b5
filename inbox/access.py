"""Workspace scoping for everything an agent can reach: pages, fragments, websockets.

Views and consumers never write `Model.objects` lookups of their own for tenant data; they
ask here, so "another workspace's row is a 404" is decided in one place and a new surface
cannot forget it. Each helper takes the workspace (or the user) first and filters on it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from inbox.models import (
    Campaign,
    Channel,
    ContactImport,
    Conversation,
    Membership,
    Message,
    Role,
    Workspace,
)


class WorkspaceSuspended(PermissionDenied):
    """The member's workspace was suspended by the operator: say so, not "no such page"."""


def memberships(user) -> QuerySet[Membership]:
    """The user's usable memberships, oldest first (the first is the default workspace).

    A suspended workspace is left out everywhere this is asked: pages, fragments, the
    header's switcher and websocket subscriptions.
    """
    return suspended_memberships(user).filter(workspace__suspended_at__isnull=True)


def suspended_memberships(user) -> QuerySet[Membership]:
    """Active memberships whatever the workspace's state; use `memberships` for access."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("workspace")
        .order_by("created_at", "pk")
    )


def membership_for(user, slug: str) -> Membership:
    """The user's membership in workspace `slug`; a workspace they are not in is a 404,
    one that is suspended a 403 that says so."""
    membership = memberships(user).filter(workspace__slug=slug).first()
    if membership is None:
        if suspended_memberships(user).filter(workspace__slug=slug).exists():
            raise WorkspaceSuspended(
                _("This workspace is suspended. Contact the operator of this installation.")
            )
        raise Http404("No such workspace")
    return membership


def membership_with_role(user, slug: str, *roles: str) -> Membership:
    """The user's membership in `slug` if their role is one of `roles`.

    Not a member (or deactivated): 404, as for any other workspace. A member without the
    role: 403, so they learn the page exists but is not theirs.
    """
    membership = membership_for(user, slug)
    if membership.role not in roles:
        raise PermissionDenied(_("Your role cannot open this page"))
    return membership


def is_member(user, workspace_id: int) -> bool:
    return memberships(user).filter(workspace_id=workspace_id).exists()


def conversations(workspace: Workspace) -> QuerySet[Conversation]:
    return Conversation.objects.filter(workspace=workspace)


def conversation_for(workspace: Workspace, conversation_id: int) -> Conversation:
    conversation = (
        conversations(workspace)
        .select_related("contact", "channel", "assignee")
        .prefetch_related("contact__identities")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


def conversation_for_user(user, conversation_id: int) -> Conversation | None:
    """A conversation in any workspace the user belongs to, else None (websocket checks)."""
    try:
        conversation_id = int(conversation_id)
    except (TypeError, ValueError):
        return None
    return (
        Conversation.objects.filter(
            pk=conversation_id,
            workspace__memberships__user=user,
            workspace__memberships__is_active=True,
            workspace__suspended_at__isnull=True,
        )
        .select_related("workspace")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )


def campaign_for_manager(user, campaign_id) -> Campaign | None:
    """A campaign whose workspace the user manages (manager or admin), else None
    (websocket checks: an agent, another tenant and a wrong id all look the same)."""
    try:
        campaign_id = int(campaign_id)
    except (TypeError, ValueError):
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    managing = memberships(user).filter(role__in=(Role.MANAGER, Role.ADMIN))
    return Campaign.objects.filter(
        pk=campaign_id, workspace__in=managing.values("workspace_id")
    ).first()


def workspace_for_user(user, slug: str) -> Workspace | None:
    """A workspace by slug if the user is a member, else None (websocket checks)."""
    membership = memberships(user).filter(workspace__slug=str(slug)).first()
    return membership.workspace if membership else None


def messages(workspace: Workspace) -> QuerySet[Message]:
    return Message.objects.filter(workspace=workspace)


def message_for(workspace: Workspace, message_id) -> Message:
    message = (
        messages(workspace)
        .select_related("author_user", "channel", "fallback_from")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404("No such message")
    return message


def members(workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace, is_active=True)
        .select_related("user")
        .order_by("user__username")
    )


def channels(workspace: Workspace) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace=workspace)


def contact_import_for(workspace: Workspace, import_id: int) -> ContactImport:
    contact_import = ContactImport.objects.filter(workspace=workspace, pk=import_id).first()
    if contact_import is None:
        raise Http404("No such import")
    return contact_import
