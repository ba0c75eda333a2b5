"""Full pages: the workspace picker redirect and the inbox (list + optional thread)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inbox import access, services
from inbox.models import ConversationStatus
from inbox.selectors.conversation_filters import ALL, ConversationFilters
from inbox.selectors.labels import workspace_labels
from inbox.selectors.thread import thread_messages
from inbox.services import notes

from .composer import composer_context
from .listing import list_context, page_title, view_tabs
from .workspace_timezone import activate_workspace_timezone

ZERO_UUID = "00000000-0000-0000-0000-000000000000"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """'/' opens the user's first workspace; a user without one is told so, not errored."""
    membership = access.memberships(request.user).first()
    if membership is None:
        suspended = access.suspended_memberships(request.user).exists()
        return render(request, "inbox/no_workspace.html", {"suspended": suspended}, status=403)
    return redirect("inbox:workspace", slug=membership.workspace.slug)


@login_required
def inbox_page(request: HttpRequest, slug: str, conversation_id: int | None = None) -> HttpResponse:
    membership = access.membership_for(request.user, slug)
    workspace = membership.workspace
    activate_workspace_timezone(workspace)
    filters = ConversationFilters.from_query(request.GET)
    conversation = None
    thread = []
    composer = {}
    if conversation_id is not None:
        conversation = access.conversation_for(workspace, conversation_id)
        # Read before listing, so the open thread is not shown as unread next to itself.
        services.mark_read(conversation, request.user)
        notes.mark_mentions_seen(conversation, request.user)  # opening it is seeing them
        thread = thread_messages(conversation=conversation, workspace=workspace)
        composer = composer_context(workspace, conversation)
    listing = list_context(
        membership, request.user, filters, selected_id=conversation.pk if conversation else None
    )
    context = {
        **composer,
        **listing,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "status_choices": [(ALL, _("All")), *ConversationStatus.choices],
        "channels": access.channels(workspace).order_by("name"),
        "members": access.members(workspace),
        "labels": workspace_labels(workspace=workspace),
        "view_tabs": view_tabs(workspace, filters),
        "page_title": page_title(workspace, listing, conversation),
        "conversation": conversation,
        # The client swaps the zero UUID for the id an event names.
        "message_url_template": reverse("inbox:message_fragment", args=[slug, ZERO_UUID]),
        # Not "messages": that name belongs to django.contrib.messages in templates.
        "thread": thread,
    }
    return render(request, "inbox/inbox.html", context)
