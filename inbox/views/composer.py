"""The reply box: reading a draft from the form and the live preview under it.

The preview is asked for on every keystroke (debounced by htmx) and answers with what the
customer will receive: the channel it really goes out on, its cost in segments, what a
plain phone shows, and why it cannot be sent, all decided by services.preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from inbox import access
from inbox.models import Channel, Conversation, Workspace
from inbox.selectors.channels import reply_channels
from inbox.services.draft_content import (
    ACTION_TYPES,
    MAX_ACTIONS,
    ActionRow,
    RichDraft,
    build_draft_content,
    capability_notes,
)
from inbox.services.preview import MAX_CHIPS, Preview, compose_preview

from .workspace_timezone import activate_workspace_timezone

# Variables a template may need that the composer offers inputs for.
MAX_TEMPLATE_VALUES = 10

# A short palette for the picker; the OS keyboard has the rest. On SMS any of these
# switches the message to UCS-2, which the segment counter then shows.
EMOJI = "😊 🙂 😉 😀 😂 🙏 👍 👋 🎉 ❤️ ✅ ⭐ 📦 🚚 📅 ⏰ 📞 📍 💳 🔒 ⚠️ ❓ 👀 🤝".split()


@dataclass(frozen=True)
class Draft:
    """What the agent has typed so far, and on which channel they mean to send it."""

    channel: Channel
    text: str = ""
    chips: list[str] = field(default_factory=list)
    rich: RichDraft = field(default_factory=RichDraft)
    # "note": a private note for the team, never sent (the composer's note toggle).
    mode: str = "reply"
    # A template the channel's adapter offers (composer_templates), with its variables;
    # `picked` is the content the adapter made of them, sent instead of the fields above.
    template: str = ""
    template_values: list[str] = field(default_factory=list)
    picked: dict | None = None

    @property
    def content(self) -> dict:
        if self.picked is not None:
            return self.picked
        return build_draft_content(self.text, self.chips, self.rich)

    @property
    def is_note(self) -> bool:
        return self.mode == "note"


def read_draft(request: HttpRequest, workspace: Workspace, conversation: Conversation) -> Draft:
    """The posted draft; a channel id outside the workspace is a 404 like any other row."""
    channel = conversation.channel
    raw = request.POST.get("channel", "")
    if raw.isdigit() and int(raw) != conversation.channel_id:
        channel = access.channels(workspace).filter(pk=int(raw)).first()
        if channel is None:
            raise Http404("No such channel")
    chips = request.POST.getlist("chip")[:MAX_CHIPS]
    template, values, picked = read_template(request, channel)
    return Draft(
        channel=channel,
        text=request.POST.get("text", ""),
        chips=chips,
        rich=read_rich(request),
        mode="note" if request.POST.get("mode") == "note" else "reply",
        template=template,
        template_values=values,
        picked=picked,
    )


def read_template(request: HttpRequest, channel: Channel) -> tuple[str, list[str], dict | None]:
    """The picked template, its variables (empty trailing inputs dropped) and the content
    the channel's adapter makes of them; a template this channel does not have (the agent
    switched channels after picking it) is no template: the free-form fields are sent."""
    key = request.POST.get("template", "").strip()[:64]
    values = [v.strip() for v in request.POST.getlist("template_value")[:MAX_TEMPLATE_VALUES]]
    while values and not values[-1]:
        values.pop()
    if not key:
        return "", values, None
    picked = channel.adapter.template_content(channel, key, values)
    return (key, values, picked) if picked is not None else ("", values, None)


def read_rich(request: HttpRequest) -> RichDraft:
    """The card builder and attachment fields; rows past MAX_ACTIONS are ignored."""
    kinds = request.POST.getlist("action_type")[:MAX_ACTIONS]
    texts = request.POST.getlist("action_text")[:MAX_ACTIONS]
    values = request.POST.getlist("action_value")[:MAX_ACTIONS]
    valid = {k for k, _ in ACTION_TYPES}
    rows = [
        ActionRow(kind=k if k in valid else "reply", text=t, value=v)
        for k, t, v in zip(kinds, texts, values, strict=False)
    ]
    return RichDraft(
        card_title=request.POST.get("card_title", ""),
        card_description=request.POST.get("card_description", ""),
        card_media_url=request.POST.get("card_media_url", ""),
        attachment_url=request.POST.get("attachment_url", ""),
        actions=rows,
    )


def preview_context(draft: Draft, preview: Preview, errors: list[str] | None = None) -> dict:
    if draft.is_note:
        # A note goes nowhere: no channel limit or opt-out applies, only "not empty".
        errors = errors or []
    return {
        "draft": draft,
        "preview": preview,
        "note_mode": draft.is_note,
        "caps": capability_notes(draft.channel, preview),
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
    actions = list(draft.rich.actions) + [ActionRow()] * (MAX_ACTIONS - len(draft.rich.actions))
    return {
        **template_picker(conversation, draft),
        "workspace": workspace,
        "conversation": conversation,
        "reply_channels": reply_channels(workspace=workspace, conversation=conversation),
        "chip_slots": chips[:MAX_CHIPS],
        "action_slots": actions[:MAX_ACTIONS],
        "action_types": ACTION_TYPES,
        "emoji": EMOJI,
        "media_max_bytes": settings.MEDIA_MAX_BYTES,
        "media_accept": ",".join(settings.MEDIA_ALLOWED_TYPES),
        "focus": focus,
        **preview_context(draft, preview, errors),
    }


def template_picker(conversation: Conversation, draft: Draft) -> dict:
    """The channel's templates for the picker, and whether free-form text is refused in
    this conversation now (a messaging window closed), which opens the picker."""
    channel = draft.channel
    templates = channel.adapter.composer_templates(channel)
    if not templates:
        return {"templates": [], "template_slots": [], "template_needed": False}
    count = min(MAX_TEMPLATE_VALUES, max(t.variables for t in templates))
    values = list(draft.template_values) + [""] * (count - len(draft.template_values))
    probe = {"type": "text", "text": "."}
    refused = channel.adapter.validate_for_conversation(
        channel, conversation=conversation, content=probe
    )
    return {
        "templates": templates,
        "template_slots": values[:count],
        "template_needed": bool(refused),
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
