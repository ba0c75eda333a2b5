"""Accepting an invitation: a signed-in user joins; a newcomer creates an account."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from members.forms import SignUpForm
from members.services import invitations


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_pending(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    user = request.user
    form = None
    if request.method == "POST":
        if request.POST.get("action") == "join":
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                membership = invitations.accept(token, user)
            except invitations.InvitationError as error:
                return render(
                    request, "members/invitation_invalid.html", {"reason": str(error)}, status=409
                )
            return redirect("inbox:workspace", slug=membership.workspace.slug)
        form = SignUpForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                membership = invitations.create_user_and_accept(
                    token, form.cleaned_data["username"], form.cleaned_data["password1"]
                )
            except invitations.InvitationError as error:
                return render(
                    request, "members/invitation_invalid.html", {"reason": str(error)}, status=409
                )
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("inbox:workspace", slug=membership.workspace.slug)
    context = {"invitation": invitation, "form": form or SignUpForm(), "token": token}
    return render(request, "members/invitation_accept.html", context, status=422 if form else 200)
