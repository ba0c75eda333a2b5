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
from inbox.selectors.conversation_filters import ConversationFilters
from inbox.selectors.conversation_list import selected_conversation
from inbox.selectors.cursor import ConversationCursor
from inbox.selectors.thread import thread_messages

from .listing import list_context, page_title
from .workspace_timezone import activate_workspace_timezone


@require_GET
@login_required
def conversation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The list (first page: with the unread badge and the page title) or, with
    `cursor`, the rows after it and the next "Load more"."""
    membership = access.membership_for(request.user, slug)
    workspace = membership.workspace
    activate_workspace_timezone(workspace)
    filters = ConversationFilters.from_query(request.GET)
    selected = request.GET.get("selected", "")
    selected_id = int(selected) if selected.isdigit() and len(selected) < 19 else None
    cursor = ConversationCursor.parse(request.GET.get("cursor", ""))
    context = list_context(
        membership, request.user, filters, selected_id=selected_id, cursor=cursor
    )
    if cursor is not None:
        return render(request, "inbox/_conversation_rows.html", context)
    selected_row = next((c for c in context["conversations"] if c.pk == selected_id), None)
    if selected_row is None and selected_id is not None:
        selected_row = selected_conversation(workspace=workspace, pk=selected_id)
    context["fragment_title"] = page_title(workspace, context, selected_row)
    return render(request, "inbox/_conversation_list.html", context)


@require_GET
@login_required
def thread(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    conversation = access.conversation_for(workspace, conversation_id)
    thread = thread_messages(conversation=conversation, workspace=workspace)
    context = {"workspace": workspace, "thread": thread}
    return render(request, "inbox/_thread.html", context)


@require_GET
@login_required
def message_row(request: HttpRequest, slug: str, message_id: UUID) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    message = access.message_for(workspace, message_id)
    return render(request, "inbox/_message.html", {"workspace": workspace, "message": message})
