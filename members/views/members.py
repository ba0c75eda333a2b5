"""The members page: the member list (role, deactivate), invitations, the invite form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from inbox.models import Membership, Role
from members.forms import InviteForm, RoleForm
from members.models import Invitation
from members.services import invitations, memberships

from .admin_pages import admin_membership, page_context


@login_required
@require_GET
def settings_home(request: HttpRequest, slug: str) -> HttpResponse:
    admin_membership(request, slug)
    return redirect("members:members", slug=slug)


def _members(workspace):
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("-is_active", "user__username")
    )


def _invitations_context(workspace, form=None, invite_link: str = "") -> dict:
    return {
        "invite_form": form or InviteForm(),
        "invitations": invitations.pending(workspace),
        "invite_link": invite_link,
        "role_choices": Role.choices,
    }


@login_required
@require_GET
def members_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    context = page_context(
        request,
        membership,
        "members",
        members=_members(workspace),
        **_invitations_context(workspace),
    )
    return render(request, "members/members.html", context)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    form = InviteForm(request.POST)
    link = ""
    status = 200
    if form.is_valid():
        try:
            _, link = invitations.create_invitation(
                workspace, request.user, form.cleaned_data["email"], form.cleaned_data["role"]
            )
            form = None
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
    if form is not None and form.errors:
        status = 422
    context = page_context(
        request, membership, "members", **_invitations_context(workspace, form, link)
    )
    if request.htmx:
        return render(request, "members/_invitations.html", context, status=status)
    context["members"] = _members(workspace)
    return render(request, "members/members.html", context, status=status)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    invitation = Invitation.objects.filter(workspace=workspace, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation")
    invitations.revoke_invitation(invitation, request.user)
    if request.htmx:
        context = page_context(request, membership, "members", **_invitations_context(workspace))
        return render(request, "members/_invitations.html", context)
    messages.success(request, f"The invitation for {invitation.email} was revoked.")
    return redirect("members:members", slug=slug)


def _member_for(workspace, member_id: int) -> Membership:
    member = (
        Membership.objects.filter(workspace=workspace, pk=member_id).select_related("user").first()
    )
    if member is None:
        raise Http404("No such member")
    return member


def _row_response(request, membership, member, error: str = "") -> HttpResponse:
    if request.htmx:
        context = page_context(
            request, membership, "members", m=member, row_error=error, role_choices=Role.choices
        )
        return render(request, "members/_member_row.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(reverse("members:members", args=[membership.workspace.slug]))


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    membership = admin_membership(request, slug)
    member = _member_for(membership.workspace, member_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _row_response(
            request, membership, member, gettext("Choose a role: admin, manager or agent.")
        )
    try:
        member = memberships.set_role(member, form.cleaned_data["role"], request.user)
    except memberships.MembershipError as error:
        member.refresh_from_db()
        return _row_response(request, membership, member, str(error))
    return _row_response(request, membership, member)


def _set_active(request: HttpRequest, slug: str, member_id: int, active: bool) -> HttpResponse:
    membership = admin_membership(request, slug)
    member = _member_for(membership.workspace, member_id)
    try:
        member = memberships.set_active(member, active, request.user)
    except memberships.MembershipError as error:
        return _row_response(request, membership, member, str(error))
    return _row_response(request, membership, member)


@login_required
@require_POST
def deactivate(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    return _set_active(request, slug, member_id, False)


@login_required
@require_POST
def reactivate(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    return _set_active(request, slug, member_id, True)
