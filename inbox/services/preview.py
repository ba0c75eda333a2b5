"""What a reply will look like on the customer's phone, before the agent sends it.

The composer asks on every keystroke, so this never writes and never queues: it runs the
same checks send_message and the worker run (workspace, disabled channel, address,
opt-out, content limits, the fallback route) and reports them as readable reasons, so the
agent learns "opted out" or "11 > 10 segments" while typing instead of after a failure.

Channel specifics stay behind the adapter interface: an adapter that bills by size
answers `draft_cost(channel, content)` with a DraftCost (the SMS adapter: segments and
encoding); the inbox never imports a channel app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inbox.models import Channel, Conversation

from .consent import opt_out_reason
from .errors import SendRejected
from .outbox.recipient import recipient_address
from .sending import validate_content

MAX_CHIPS = 4  # quick-reply chips the composer offers (RCS allows 11; SMS pays per line)


@dataclass(frozen=True)
class Preview:
    """The composer's view of one draft; `can_send` is False when sending would fail."""

    requested: Channel  # the channel the agent picked
    channel: Channel  # the channel it will actually go out on
    route_note: str = ""  # why `channel` (fallback, capability unknown...), if worth saying
    blocked: str | None = None  # a reason no content can fix (opt-out, disabled, no address)
    errors: list[str] = field(default_factory=list)  # what send_message would refuse
    warnings: list[str] = field(default_factory=list)  # the fallback channel's limits
    empty: bool = True  # nothing typed yet: not an error worth shouting about
    typed: str = ""  # the draft's own text, to tell when the rendering adds to it
    as_text: bool = True  # the effective channel shows plain text only
    text: str = ""  # what a text-only phone shows
    cost_note: str = ""  # e.g. "2 segments · UCS-2 because of ‘ç’"
    segments: int | None = None
    encoding: str | None = None
    ucs2_chars: tuple[str, ...] = ()
    length_note: str = ""  # "12 / 3072 characters" where segments are not the unit

    @property
    def can_send(self) -> bool:
        return self.blocked is None and not self.errors and not self.empty

    @property
    def shown_errors(self) -> list[str]:
        """Errors worth showing while typing: an empty draft is not yet wrong."""
        return [] if self.empty else self.errors

    @property
    def rendering_differs(self) -> bool:
        """Worth showing `text` beside the draft: chips or cards became extra lines."""
        return not self.empty and self.text.strip() != self.typed.strip()

    @property
    def fell_back(self) -> bool:
        return self.channel.pk != self.requested.pk


def build_content(text: str, chips: list[str] | tuple[str, ...] = ()) -> dict:
    """Provider-neutral content from the composer's fields (text plus reply chips)."""
    content: dict = {"type": "text", "text": text}
    labels = [c.strip() for c in chips if c and c.strip()][:MAX_CHIPS]
    if labels:
        content["suggestions"] = [{"type": "reply", "text": label} for label in labels]
    return content


def _is_empty(content: dict) -> bool:
    return (
        content.get("type") == "text"
        and not str(content.get("text", "")).strip()
        and not content.get("suggestions")
    )


def _route(channel: Channel, to: str) -> tuple[Channel, str]:
    """The channel delivery will use for `to`, by the worker's rule, and why.

    Mirrors services.outbox.deliver: a channel with a fallback asks its adapter whether
    the number is reachable (a cached lookup) and a definite "no" sends on the fallback.
    """
    if not channel.fallback_id:
        return channel, ""
    fallback = channel.fallback
    label, fallback_label = channel.adapter.label, fallback.adapter.label
    reachable = channel.adapter.reachable(channel, to)
    if reachable is False:
        note = f"Not {label}-capable: will be sent as {fallback_label} via {fallback.name}"
        if not fallback.is_active:
            note += " (that channel is disabled)"
        return fallback, note
    if reachable is None:
        return channel, (
            f"{label} capability unknown: tries {label} first, "
            f"falls back to {fallback_label} if the number cannot receive it"
        )
    return channel, f"{label}-capable: will be sent as {label}"


def compose_preview(
    conversation: Conversation, content: dict, channel: Channel | None = None
) -> Preview:
    """Where `content` would go, whether it may, and what the customer would see."""
    requested = channel or conversation.channel
    empty = _is_empty(content)
    blocked = None
    effective, route_note = requested, ""
    if requested.workspace_id != conversation.workspace_id:
        blocked = "channel: not in this workspace"
    elif not requested.is_active:
        blocked = f"channel: {requested.name} is disabled"
    else:
        try:
            to = recipient_address(conversation, requested)
        except SendRejected as exc:
            blocked = "; ".join(exc.errors)
        else:
            effective, route_note = _route(requested, to)
            blocked = opt_out_reason(requested, to)
            if blocked is None and effective.pk != requested.pk:
                blocked = opt_out_reason(effective, to)

    errors = (
        validate_content(content)
        or requested.adapter.validate(requested, content)
        or requested.adapter.validate_for_conversation(
            requested, conversation=conversation, content=content
        )
    )
    warnings: list[str] = []
    if effective.pk != requested.pk:
        warnings = [
            f"On {effective.name}: {e}" for e in effective.adapter.validate(effective, content)
        ]

    adapter = effective.adapter
    caps = adapter.capabilities(effective)
    text = adapter.render_text(content)
    cost: dict = {}
    draft_cost = adapter.draft_cost(effective, content)
    if draft_cost is not None:
        cost = {
            "cost_note": draft_cost.note,
            "segments": draft_cost.segments,
            "encoding": draft_cost.encoding,
            "ucs2_chars": draft_cost.ucs2_chars,
        }
        # The counter sees the body as sent (e.g. after smart encoding): show that.
        text = draft_cost.text or text
    length_note = f"{len(text)} / {caps.max_text_length} characters"
    return Preview(
        requested=requested,
        channel=effective,
        route_note=route_note,
        blocked=blocked,
        errors=list(errors),
        warnings=warnings,
        empty=empty,
        typed=str(content.get("text", "")) if content.get("type") == "text" else "",
        as_text=not (caps.rich_cards or caps.suggestions),
        text=text,
        length_note=length_note,
        **cost,
    )
