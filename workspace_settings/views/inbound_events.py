"""Inbound events that could not be applied: what they were, why, and a replay button
for when the cause is fixed (inbox/services/inbound_replay.py). Admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from inbox.models import Membership
from inbox.selectors.set_aside_events import set_aside_count, set_aside_events
from inbox.services.inbound_replay import replay_set_aside

from .admin_pages import admin_view, page

SHOWN = 100


@admin_view
@require_GET
def inbound_events(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    events = set_aside_events(workspace.pk, limit=SHOWN)
    return page(
        request,
        membership,
        "inbound_events.html",
        "inbound_events",
        events=events,
        total=set_aside_count(workspace.pk) if len(events) == SHOWN else len(events),
    )


@admin_view
@require_POST
def inbound_events_replay(request: HttpRequest, membership: Membership) -> HttpResponse:
    """All set-aside events, or the one named by `event` in the form."""
    event = request.POST.get("event", "")
    ids = [int(event)] if event.isdigit() else None
    replayed = replay_set_aside(membership.workspace, request.user, ids)
    messages.success(
        request,
        ngettext(
            "%(count)d event queued again; it is applied in a moment.",
            "%(count)d events queued again; they are applied in a moment.",
            replayed,
        )
        % {"count": replayed},
    )
    return redirect("wsettings:inbound_events", slug=membership.workspace.slug)
