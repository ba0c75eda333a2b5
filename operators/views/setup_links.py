"""The one-time link a new admin opens to choose their password; then they are signed in
and, when their workspace requires it, taken through two-factor enrolment."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from operators.services import setup_links


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, token: str) -> HttpResponse:
    link = setup_links.find_usable(token)
    if link is None:
        return render(request, "operators/setup_link_invalid.html", status=404)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = setup_links.set_password(token, form.cleaned_data["new_password1"])
        except setup_links.SetupLinkError:
            return render(request, "operators/setup_link_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Home opens their workspace; the two-factor gate steps in first when required.
        return redirect("inbox:home")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "operators/set_password.html",
        {"form": form, "link_user": link.user},
        status=status,
    )
