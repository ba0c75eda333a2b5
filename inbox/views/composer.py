"""The reply box: reading a draft from the form and the live preview under it.

The preview is asked for on every keystroke (debounced by htmx) and answers with what the
customer will receive: the channel it really goes out on, its cost in segments, what a
plain phone shows, and why it cannot be sent, all decided by services.preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from inbox import access
from inbox.models import Channel, Conversation, Workspace
from inbox.services.preview import MAX_CHIPS, Preview, build_content, compose_preview

from .queries import activate_workspace_timezone


@dataclass(frozen=True)
class Draft:
    """What the agent has typed so far, and on which channel they mean to send it."""

    channel: Channel
    text: str = ""
    chips: list[str] = field(default_factory=list)

    @property
    def content(self) -> dict:
        return build_content(self.text, self.chips)


def read_draft(request: HttpRequest, workspace: Workspace, conversation: Conversation) -> Draft:
    """The posted draft; a channel id outside the workspace is a 404 like any other row."""
    channel = conversation.channel
    raw = request.POST.get("channel", "")
    if raw.isdigit() and int(raw) != conversation.channel_id:
        channel = access.channels(workspace).filter(pk=int(raw)).first()
        if channel is None:
            raise Http404("No such channel")
    chips = request.POST.getlist("chip")[:MAX_CHIPS]
    return Draft(channel=channel, text=request.POST.get("text", ""), chips=chips)


def reply_channels(workspace: Workspace, conversation: Conversation) -> list[Channel]:
    """Channels an agent may pick; the conversation's own stays listed even if disabled."""
    return list(
        access.channels(workspace)
        .filter(Q(is_active=True) | Q(pk=conversation.channel_id))
        .order_by("name", "pk")
    )


def preview_context(draft: Draft, preview: Preview, errors: list[str] | None = None) -> dict:
    return {
        "draft": draft,
        "preview": preview,
        # A refused send's reasons win over the live ones (they are what just happened).
        "errors": errors if errors is not None else preview.shown_errors,
    }


def composer_context(
    workspace: Workspace,
    conversation: Conversation,
    draft: Draft | None = None,
    *,
    errors: list[str] | None = None,
    focus: bool = False,
) -> dict:
    """Everything _composer.html needs, the preview included (so it is right on load)."""
    draft = draft or Draft(channel=conversation.channel)
    preview = compose_preview(conversation, draft.content, draft.channel)
    chips = list(draft.chips) + [""] * (MAX_CHIPS - len(draft.chips))
    return {
        "workspace": workspace,
        "conversation": conversation,
        "reply_channels": reply_channels(workspace, conversation),
        "chip_slots": chips[:MAX_CHIPS],
        "focus": focus,
        **preview_context(draft, preview, errors),
    }


@require_POST
@login_required
def preview(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    workspace = access.membership_for(request.user, slug).workspace
    activate_workspace_timezone(workspace)
    conversation = access.conversation_for(workspace, conversation_id)
    draft = read_draft(request, workspace, conversation)
    result = compose_preview(conversation, draft.content, draft.channel)
    context = {"workspace": workspace, "conversation": conversation}
    context.update(preview_context(draft, result))
    return render(request, "inbox/_composer_preview.html", context)
