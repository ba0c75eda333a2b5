"""What every administration page shares: the admin check and the layout's context."""

from __future__ import annotations

from django.http import HttpRequest

from inbox import access
from inbox.models import Membership, Role


def admin_membership(request: HttpRequest, slug: str) -> Membership:
    return access.membership_with_role(request.user, slug, Role.ADMIN)


def page_context(request: HttpRequest, membership: Membership, nav: str, **extra) -> dict:
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "memberships": access.memberships(request.user),
        "nav": nav,
        "section": "settings",
        **extra,
    }


def fragment_only(request: HttpRequest) -> bool:
    """An htmx swap wants the fragment; a history restore wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
