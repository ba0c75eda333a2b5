"""The template editor's phone: the content as an RCS handset draws it (the channel's
own wire rendering, read back by the phone simulator's parser and templates, under the
channel's brand) and as a plain phone reads its text version, with its segments.

Drawing through the wire format, as the simulator does, means the preview shows what the
adapter will really send: a field the RBM rendering drops is missing here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from inbox.models import Channel, Workspace
from inbox.services.templates.sms import generated_text, workspace_text_cost
from simulator.brand import Brand, brand_for
from simulator.rcs_handset import Thread, agent_bubble


@dataclass(frozen=True)
class PhonePreview:
    rcs_channel: Channel | None
    brand: Brand | None
    thread: Thread | None  # None: no RCS channel, or content it cannot draw
    rcs_errors: list[str]
    sms_text: str
    sms_note: str  # segments and encoding, from the first channel that bills by size
    sms_segments: int | None


def rich_channel(workspace: Workspace) -> Channel | None:
    """The workspace's first active channel whose adapter renders a wire message the
    phone simulator can draw (RCS)."""
    for channel in Channel.objects.filter(workspace=workspace, is_active=True).order_by("pk"):
        if channel.kind == "rcs" and hasattr(channel.adapter, "wire_message"):
            return channel
    return None


def phone_preview(*, workspace: Workspace, content: dict, sms_text: str, errors: list[str]):
    """Both phones for `content`; `sms_text` empty means the generated text version.
    `errors` are the schema's: invalid content is not drawn as RCS."""
    channel = rich_channel(workspace)
    thread, brand, rcs_errors = None, None, []
    if channel is not None:
        brand = brand_for(channel)
        rcs_errors = errors or channel.adapter.validate(channel, content)
        if not rcs_errors:
            wire = channel.adapter.wire_message(channel, content)
            bubble = agent_bubble(
                {"message_id": "preview", "body": wire, "status": "SENT", "send_time": None}
            )
            thread = Thread(bubbles=[bubble])
    text = sms_text.strip() if sms_text.strip() else _generated(content, workspace)
    cost = workspace_text_cost(text, workspace=workspace) if text else None
    return PhonePreview(
        rcs_channel=channel,
        brand=brand,
        thread=thread,
        rcs_errors=rcs_errors,
        sms_text=text,
        sms_note=cost.note if cost else "",
        sms_segments=cost.segments if cost else None,
    )


def _generated(content: dict, workspace: Workspace) -> str:
    try:
        return generated_text(content, workspace=workspace)
    except (KeyError, TypeError, ValueError, AttributeError):
        return ""  # content too broken to render: the schema errors say why
