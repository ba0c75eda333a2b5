"""Every settings page: admins only (agents and managers 403, other workspaces 404)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inbox import access
from inbox.models import Membership, Role


def admin_view(view):
    """Login, then the admin role in the URL's workspace; the view gets the membership."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        membership = access.membership_with_role(request.user, slug, Role.ADMIN)
        return view(request, membership, *args, **kwargs)

    return wrapper


def page(
    request: HttpRequest,
    membership: Membership,
    template: str,
    nav: str,
    *,
    status: int = 200,
    **context,
) -> HttpResponse:
    return render(
        request,
        f"workspace_settings/{template}",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "memberships": access.memberships(request.user),
            "nav": nav,
            "section": "settings",
            **context,
        },
        status=status,
    )
