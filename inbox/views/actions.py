"""Agent actions (reply, retry): thin wrappers that hand the write to inbox.services.

Both answer htmx with fragments (422 plus the readable reasons when the service refuses)
and a plain form post with a redirect, so they work without JavaScript too.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from inbox import access, services
from inbox.services import SendRejected

from .composer import Draft, composer_context, read_draft
from .conversation_request import UNPROCESSABLE, back_to_conversation
from .notes import add_private_note
from .workspace_timezone import activate_workspace_timezone


@require_POST
@login_required
def reply(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    if request.POST.get("mode") == "note":  # the composer's note toggle: never sent
        return add_private_note(request, slug, conversation_id)
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    conversation = access.conversation_for(workspace, conversation_id)
    draft = read_draft(request, workspace, conversation)
    try:
        message = services.send_message(
            conversation, draft.content, user=request.user, channel=draft.channel
        )
    except SendRejected as exc:
        if not request.htmx:
            for error in exc.errors:
                flash.error(request, error)
            return back_to_conversation(slug=slug, conversation_id=conversation_id)
        context = composer_context(workspace, conversation, draft, errors=exc.errors)
        return render(request, "inbox/_composer.html", context, status=UNPROCESSABLE)
    if not request.htmx:
        return back_to_conversation(slug=slug, conversation_id=conversation_id)
    # A fresh box on the same channel: the agent picked it for this conversation.
    context = composer_context(workspace, conversation, Draft(channel=draft.channel), focus=True)
    context["message"] = message
    return render(request, "inbox/_reply_response.html", context)


@require_POST
@login_required
def mark_read(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """The open thread received a message the agent is looking at: it is read."""
    workspace = access.membership_for(request.user, slug).workspace
    services.mark_read(access.conversation_for(workspace, conversation_id), request.user)
    return HttpResponse(status=204)


@require_POST
@login_required
def retry(request: HttpRequest, slug: str, message_id: UUID) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    message = access.message_for(workspace, message_id)
    errors: list[str] = []
    try:
        services.retry_message(message, user=request.user)
    except SendRejected as exc:
        errors = exc.errors
    if not request.htmx:
        for error in errors:
            flash.error(request, error)
        return back_to_conversation(slug=slug, conversation_id=message.conversation_id)
    message = access.message_for(workspace, message_id)
    context = {"workspace": workspace, "message": message, "action_errors": errors}
    return render(request, "inbox/_message.html", context, status=UNPROCESSABLE if errors else 200)
