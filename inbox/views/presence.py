"""The agent's presence switch (online / away) and the teammates' presence fragment.

Presence itself follows the websocket (inbox.services.presence); these views only let the
agent say "away" and let the page re-read the team from the database after a "presence"
event or a reconnect.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.models import Presence
from inbox.services import presence

BAD_REQUEST = 400


def switch_context(membership) -> dict:
    return {
        "workspace": membership.workspace,
        "membership": membership,
        "chosen_presence": Presence.AWAY if presence.chose_away(membership) else Presence.ONLINE,
    }


@require_POST
@login_required
def set_presence(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.membership_for(request.user, slug)
    status = request.POST.get("status", "")
    try:
        presence.choose(membership, status)
    except ValueError as exc:
        return HttpResponse(str(exc), status=BAD_REQUEST, content_type="text/plain")
    if not request.htmx:
        return redirect("inbox:workspace", slug=slug)
    membership.refresh_from_db(fields=["presence"])
    return render(request, "inbox/_presence_switch.html", switch_context(membership))


@require_GET
@login_required
def team_presence(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access.membership_for(request.user, slug)
    teammates = [m for m in access.members(membership.workspace) if m.user_id != request.user.pk]
    order = {Presence.ONLINE: 0, Presence.AWAY: 1}
    teammates.sort(key=lambda m: (order.get(m.presence, 2), m.user.username))
    online = sum(1 for m in teammates if m.presence == Presence.ONLINE)
    return render(
        request,
        "inbox/_team_presence.html",
        {"workspace": membership.workspace, "teammates": teammates, "online_count": online},
    )
