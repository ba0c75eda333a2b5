"""Thin views: check the role, read the filters, ask dashboards.queries, render or export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import access
from inbox.models import Role

from . import charts
from .forms import FilterForm
from .models import RollupState
from .queries import agents, channel_health, engagement, hourly, now, speed, volume

ROLES = (Role.ADMIN, Role.MANAGER)


def _filters(request: HttpRequest, slug: str):
    membership = access.membership_with_role(request.user, slug, *ROLES)
    form = FilterForm(membership.workspace, request.GET or None)
    if request.GET and not form.is_valid():
        return membership, form, None
    if not request.GET:
        form = FilterForm(membership.workspace, {})
        form.is_valid()
    return membership, form, form.scope()


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    membership, form, scope = _filters(request, slug)
    workspace = membership.workspace
    context = {
        "membership": membership,
        "workspace": workspace,
        "memberships": access.memberships(request.user),
        "section": "dashboards",
        "form": form,
    }
    if scope is None:
        return render(request, "dashboards/page.html", context, status=400)
    at = timezone.now()
    counters = hourly.load(scope)
    speed_section = speed.build(scope)
    sections = {
        "volume": volume.build(scope, counters),
        "speed": speed_section,
        "channels": channel_health.build(scope, counters),
        "engagement": engagement.build(scope, counters),
        "agents": agents.build(scope, at, speed_section),
    }
    if request.GET.get("format") == "csv":
        return _csv(sections, request.GET.get("table", ""), workspace.slug)
    state = RollupState.objects.filter(workspace=workspace).first()
    context.update(
        scope=scope,
        sections=sections,
        now=now.build(scope, at),
        charts=charts.for_sections(sections),
        rolled_up_at=state.last_run_at if state else None,
        query=request.GET.urlencode(),
    )
    return render(request, "dashboards/page.html", context)


def _csv(sections: dict, name: str, slug: str) -> HttpResponse:
    for section in sections.values():
        for table in section["tables"]:
            if table.name == name:
                response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{slug}-{name}.csv"'
                return response
    return HttpResponse(f"No table named {name!r}.", status=400, content_type="text/plain")


@login_required
def now_tiles(request: HttpRequest, slug: str) -> HttpResponse:
    membership, form, scope = _filters(request, slug)
    if scope is None:
        return HttpResponse(_("Invalid filters."), status=400, content_type="text/plain")
    return render(
        request,
        "dashboards/_now.html",
        {
            "now": now.build(scope),
            "workspace": membership.workspace,
            "query": request.GET.urlencode(),
        },
    )
