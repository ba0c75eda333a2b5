"""Server-rendered fragments the page re-fetches when a realtime event names a change.

The websocket only says "message X changed" / "conversation Y changed"; the HTML always
comes from here, from the database, so a missed event is repaired by the next fetch.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inbox import access

from .filters import ConversationFilters
from .queries import activate_workspace_timezone, conversation_rows, thread_messages


@require_GET
@login_required
def conversation_list(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    filters = ConversationFilters.from_query(request.GET)
    selected = request.GET.get("selected", "")
    context = {
        "workspace": workspace,
        "filter_qs": filters.querystring(),
        "conversations": conversation_rows(workspace, request.user, filters),
        "selected_id": int(selected) if selected.isdigit() else None,
    }
    return render(request, "inbox/_conversation_list.html", context)


@require_GET
@login_required
def thread(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    conversation = access.conversation_for(workspace, conversation_id)
    context = {"workspace": workspace, "thread": thread_messages(conversation)}
    return render(request, "inbox/_thread.html", context)


@require_GET
@login_required
def message_row(request: HttpRequest, slug: str, message_id: UUID) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    message = access.message_for(workspace, message_id)
    return render(request, "inbox/_message.html", {"workspace": workspace, "message": message})
