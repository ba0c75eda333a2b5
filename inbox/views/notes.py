"""Private notes from the composer, and their @mentions: the "@" teammate picker and the
top bar's unseen-mention badge."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.selectors.mentions import mention_candidates, unseen_mentions
from inbox.services.notes import add_note, display_name

from .composer import Draft, composer_context, read_draft
from .conversation_request import (
    UNPROCESSABLE,
    back_to_conversation,
    errors_of,
    load_conversation,
    picker_query,
)


@require_POST
@login_required
def add_private_note(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """Also reached from the reply form when the note toggle is on (mode=note)."""
    membership, conversation = load_conversation(request, slug, conversation_id)
    workspace = membership.workspace
    draft = read_draft(request, workspace, conversation)
    draft = replace(draft, mode="note")
    try:
        note = add_note(conversation, draft.text, author=request.user)
    except ValidationError as exc:
        if not request.htmx:
            for error in errors_of(exc):
                flash.error(request, error)
            return back_to_conversation(slug=slug, conversation_id=conversation_id)
        context = composer_context(workspace, conversation, draft, errors=errors_of(exc))
        return render(request, "inbox/_composer.html", context, status=UNPROCESSABLE)
    if not request.htmx:
        return back_to_conversation(slug=slug, conversation_id=conversation_id)
    # The box stays in note mode on the same channel: notes often come in a row.
    fresh = Draft(channel=draft.channel, mode="note")
    context = composer_context(workspace, conversation, fresh, focus=True)
    context["message"] = access.message_for(workspace, note.pk)
    return render(request, "inbox/_reply_response.html", context)


@require_GET
@login_required
def unseen_mention_count(request: HttpRequest, slug: str) -> JsonResponse:
    """The top bar's mention badge, asked once per page (not on every list render)."""
    membership = access.membership_for(request.user, slug)
    count = unseen_mentions(user=request.user, workspace_id=membership.workspace.pk)
    return JsonResponse({"unseen": count})


@require_GET
@login_required
def list_mention_candidates(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The "@" picker in note mode: the workspace's active members matching the token."""
    membership, _conversation = load_conversation(request, slug, conversation_id)
    query = picker_query(request).lstrip("@")
    users = mention_candidates(workspace_id=membership.workspace.pk, query=query)
    items = [{"username": u.username, "name": display_name(u)} for u in users]
    return render(request, "inbox/_mention_list.html", {"items": items, "query": query})
