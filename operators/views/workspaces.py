"""The operators' page: every workspace with its figures; create, suspend, resume.

Staff only. Each action goes through inbox.services.workspaces, which audits it in the
workspace's own log (its admins see who suspended them and when).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox.models import Workspace
from inbox.services import workspaces
from operators import selectors
from operators.forms import WorkspaceForm
from operators.services import first_run, setup_links

from .access import staff_required


def _page(request: HttpRequest, form: WorkspaceForm, status: int = 200, **extra) -> HttpResponse:
    context = {
        "form": form,
        "workspaces": selectors.workspaces_with_counts(),
        "month_start": selectors.month_start(),
        **extra,
    }
    return render(request, "operators/workspaces.html", context, status=status)


@staff_required
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    return _page(request, WorkspaceForm())


@staff_required
@require_http_methods(["POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    try:
        created = workspaces.create_workspace(
            name=data["name"],
            slug=data["slug"],
            time_zone=data["time_zone"],
            language=data["language"],
            admin_email=data["admin_email"],
            admin_username=data["admin_username"],
            actor=request.user,
        )
    except workspaces.WorkspaceError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=422)
    first_run.forget_setup_tokens()
    link = ""
    if not created.admin.has_usable_password():
        link = setup_links.issue_setup_link(created.admin)
    # Shown once, here: the operator hands it to the admin (no email is assumed to work).
    return _page(request, WorkspaceForm(), created=created, setup_link=link)


@staff_required
@require_POST
def suspend(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = workspaces.suspend_workspace(
        get_object_or_404(Workspace, pk=workspace_id), actor=request.user
    )
    messages.success(
        request,
        _("%(name)s is suspended: its members cannot sign in and nothing is sent.")
        % {"name": workspace.name},
    )
    return redirect("operators:workspaces")


@staff_required
@require_POST
def resume(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = workspaces.resume_workspace(
        get_object_or_404(Workspace, pk=workspace_id), actor=request.user
    )
    messages.success(
        request,
        _("%(name)s is running again; replies held during the suspension are being sent.")
        % {"name": workspace.name},
    )
    return redirect("operators:workspaces")
