"""The audit log: read-only, filtered and paginated. There is no edit or delete route."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inbox.models import AuditEntry

from .admin_pages import admin_membership, fragment_only, page_context

PAGE_SIZE = 50


@login_required
@require_GET
def audit_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    entries = AuditEntry.objects.filter(workspace=workspace)
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_label__iexact=actor)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = (
        AuditEntry.objects.filter(workspace=workspace)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
    filters = {k: v for k, v in (("action", action), ("actor", actor)) if v}
    context = page_context(
        request,
        membership,
        "audit",
        page=page,
        actions=list(actions),
        action=action,
        actor=actor,
        filter_qs=urlencode(filters),
    )
    template = "members/_audit_table.html" if fragment_only(request) else "members/audit.html"
    return render(request, template, context)
