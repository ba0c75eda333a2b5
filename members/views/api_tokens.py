"""API tokens page: create (the secret is shown once), list with last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from inbox.models import ApiToken
from inbox.services.tokens import TokenError
from members.forms import ApiTokenForm
from members.services import api_tokens

from .admin_pages import admin_membership, page_context


def _tokens(workspace):
    return (
        ApiToken.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("revoked_at", "-created_at")
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    form = ApiTokenForm(request.POST or None)
    secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, secret = api_tokens.create(
                    workspace,
                    request.user,
                    form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                )
            except TokenError as exc:
                form.add_error("scopes", str(exc))
            else:
                form = ApiTokenForm()
        if form.errors:
            status = 422
    context = page_context(
        request, membership, "tokens", form=form, secret=secret, tokens=_tokens(workspace)
    )
    template = "members/_tokens.html" if request.htmx else "members/api_tokens.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def revoke_token(request: HttpRequest, slug: str, token_id: int) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    token = ApiToken.objects.filter(workspace=workspace, pk=token_id).first()
    if token is None:
        raise Http404("No such token")
    api_tokens.revoke(token, request.user)
    if request.htmx:
        context = page_context(
            request, membership, "tokens", form=ApiTokenForm(), tokens=_tokens(workspace)
        )
        return render(request, "members/_tokens.html", context)
    messages.success(request, f"Token “{token.name}” was revoked.")
    return redirect("members:api_tokens", slug=slug)
