"""Provider-neutral content from the composer's small forms (no JSON typing for agents).

An agent fills a title, a description, a media URL and up to four buttons; this turns
them into the same content schema the API accepts (shared/specs/content.md), so the send
path validates and renders a composer card exactly like any other. Which content type
results follows what the agent filled: a card when it has a title, description or
picture; a media message for an attachment alone; otherwise text with suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inbox.adapters import Capabilities
from inbox.models import Channel

from .preview import MAX_CHIPS, Preview, build_content

MAX_ACTIONS = 4
ACTION_TYPES = (("reply", _("Reply")), ("open_url", _("Open link")), ("dial", _("Call")))


@dataclass(frozen=True)
class ActionRow:
    """One button of the builder: a reply chip, a link or a phone call."""

    kind: str = "reply"
    text: str = ""
    value: str = ""  # the URL (open_url) or phone number (dial)

    def suggestion(self) -> dict | None:
        text = self.text.strip()
        if not text:
            return None
        if self.kind == "open_url":
            return {"type": "open_url", "text": text, "url": self.value.strip()}
        if self.kind == "dial":
            return {"type": "dial", "text": text, "phone": self.value.strip()}
        return {"type": "reply", "text": text}


@dataclass(frozen=True)
class RichDraft:
    card_title: str = ""
    card_description: str = ""
    card_media_url: str = ""
    attachment_url: str = ""
    actions: list[ActionRow] = field(default_factory=list)

    @property
    def has_card(self) -> bool:
        return any(s.strip() for s in (self.card_title, self.card_description, self.card_media_url))

    @property
    def in_use(self) -> bool:
        return self.has_card or bool(self.attachment_url.strip()) or bool(self.suggestions)

    @property
    def suggestions(self) -> list[dict]:
        found = [a.suggestion() for a in self.actions[:MAX_ACTIONS]]
        return [s for s in found if s]


def build_draft_content(text: str, chips: list[str], rich: RichDraft | None = None) -> dict:
    """Content for the composer's fields; plain text with chips when nothing rich is used."""
    base = build_content(text, chips[:MAX_CHIPS])
    if rich is None or not rich.in_use:
        return base
    quick = base.get("suggestions", [])
    if rich.has_card:
        description = "\n\n".join(
            part for part in (rich.card_description.strip(), text.strip()) if part
        )
        card: dict = {}
        if rich.card_title.strip():
            card["title"] = rich.card_title.strip()
        if description:
            card["description"] = description
        if rich.card_media_url.strip():
            card["media"] = {"url": rich.card_media_url.strip()}
        if rich.suggestions:
            card["suggestions"] = rich.suggestions
        content: dict = {"type": "card", "card": card}
    elif rich.attachment_url.strip():
        content = {"type": "media", "url": rich.attachment_url.strip()}
        if text.strip():
            content["caption"] = text
        quick = quick + rich.suggestions
    else:
        content = {"type": "text", "text": text}
        quick = quick + rich.suggestions
    if quick:
        content["suggestions"] = quick
    return content


@dataclass(frozen=True)
class CapabilityNotes:
    """What the composer must disable for the picked channel, and the words that say why."""

    rich_reason: str = ""  # non-empty: the card builder is disabled
    rich_note: str = ""  # rich allowed, but this recipient will get text
    media_reason: str = ""  # non-empty: attachments are disabled
    media_note: str = ""  # attachments allowed, but they reach this channel as a link


def capability_notes(channel: Channel, preview: Preview | None = None) -> CapabilityNotes:
    caps: Capabilities = channel.adapter.capabilities(channel)
    label = channel.adapter.label
    rich_reason = ""
    if not (caps.rich_cards or caps.suggestions):
        rich_reason = gettext(
            "%(channel)s is %(kind)s: rich cards and buttons need an RCS channel "
            "(they would be sent as SMS text)."
        ) % {"channel": channel.name, "kind": label}
    rich_note = ""
    if not rich_reason and preview is not None and preview.fell_back:
        effective = preview.channel
        rich_note = gettext(
            "This number is not %(kind)s-capable: will be sent as %(other)s text via %(channel)s."
        ) % {"kind": label, "other": effective.adapter.label, "channel": effective.name}
    # A channel without media still reaches the customer: its text carries the file's
    # public link (every adapter's text rendering includes a media URL).
    if caps.media:
        media_note = ""
    elif channel.kind == "sms":
        media_note = gettext(
            "%(channel)s (%(kind)s) cannot send files (MMS is off for this number): "
            "the customer gets a link to it."
        ) % {"channel": channel.name, "kind": label}
    else:
        media_note = gettext(
            "%(channel)s (%(kind)s) cannot send files: the customer gets a link to it."
        ) % {"channel": channel.name, "kind": label}
    return CapabilityNotes(rich_reason=rich_reason, rich_note=rich_note, media_note=media_note)
