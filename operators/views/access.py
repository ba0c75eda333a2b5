"""Who may open the operators' pages: staff only (the people running the installation)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def staff_required(view):
    """Anonymous: to the sign-in. Signed in but not staff: 403, whatever their roles in
    workspaces (a workspace admin runs their workspace, not the installation)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied(_("Only the operators of this installation can open this page."))
        return view(request, *args, **kwargs)

    return wrapper
