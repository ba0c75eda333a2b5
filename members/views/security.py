"""Security page: require two-factor for the whole workspace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.forms import SecurityForm
from members.services import lockouts, two_factor
from workspace_settings.services import policies

from .admin_pages import admin_membership, page_context


@login_required
@require_http_methods(["GET", "POST"])
def security_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    status = 200
    if request.method == "POST":
        form = SecurityForm(request.POST)
        if form.is_valid():
            try:
                policies.set_require_two_factor(
                    workspace, form.cleaned_data["require_two_factor"], request.user
                )
            except ValueError as error:
                form.add_error("require_two_factor", str(error))
            else:
                messages.success(request, _("Security settings saved."))
                return redirect("members:security", slug=slug)
        status = 422
    else:
        form = SecurityForm(initial={"require_two_factor": workspace.require_two_factor})
    context = page_context(
        request,
        membership,
        "security",
        form=form,
        own_device=two_factor.requirement(request.user).has_device,
        without_device=two_factor.members_without_device(workspace),
        lockouts=lockouts.locked_out(workspace),
    )
    return render(request, "members/security.html", context, status=status)
