"""What a WhatsApp phone shows of one business's chat, read from the WhatsApp sandbox.

The sandbox logs, per phone, the business messages the Cloud API accepted (their wire
JSON, with the status their webhooks climbed to), the messages the phone sent, and the
business's "mark as read" and typing calls. Rendering works from the Cloud API's wire
format, as WhatsApp itself does, so whatever the adapter got wrong shows up here.

Ticks are the customer's own: one grey tick once a message left the phone, two once the
business's number received it, two blue ones when the business marked it read.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from django.utils.translation import gettext as _

from channels_whatsapp.models import PLACEHOLDER
from channels_whatsapp.sandbox import api, store
from channels_whatsapp.sandbox.error_codes import ERROR_TITLES
from inbox.content import maps_link
from inbox.models import Channel

# The Cloud API shows a typing indicator for at most 25 s, or until the business answers.
TYPING_SECONDS = 25
NOT_RECEIVED = frozenset({"failed"})


@dataclass(frozen=True)
class Option:
    """A reply button or a list row: `reply_id` is what the phone reports when tapped."""

    reply_id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class WaBubble:
    message_id: str
    direction: str  # from the phone's point of view: "out" it sent, "in" it received
    kind: str  # text | interactive | media | location | template | reaction | reply
    status: str  # business messages: their Cloud API status; the phone's: sent/delivered/read
    sent_at: datetime | None
    text: str = ""
    header: str = ""
    media_url: str = ""
    media_kind: str = ""
    buttons: tuple[Option, ...] = ()
    list_label: str = ""
    rows: tuple[Option, ...] = ()
    href: str = ""
    error: str = ""

    @property
    def received(self) -> bool:
        return self.status not in NOT_RECEIVED


class Chat(NamedTuple):
    """The chat on screen: its messages, oldest first, and whether the business types."""

    bubbles: list[WaBubble]
    typing: bool


def phone_number_id(channel: Channel) -> str:
    return str(channel.config.get("phone_number_id") or "")


def _at(value) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _template_text(channel: Channel, template: dict) -> str:
    """The approved body as the phone reads it, {{n}} filled from the sent parameters."""
    name = str(template.get("name") or "")
    language = str((template.get("language") or {}).get("code") or "")
    stored = store.get_template(str(channel.config.get("waba_id") or ""), name, language) or {}
    body = next(
        (c for c in stored.get("components") or [] if str(c.get("type", "")).upper() == "BODY"),
        {},
    )
    values = [
        str(p.get("text") or "")
        for c in template.get("components") or []
        if str(c.get("type", "")).lower() == "body"
        for p in c.get("parameters") or []
    ]

    def fill(match) -> str:
        n = int(match.group(1))
        return values[n - 1] if 0 < n <= len(values) else match.group(0)

    return PLACEHOLDER.sub(fill, str(body.get("text") or "")) or name


def _header(interactive: dict) -> tuple[str, str, str]:
    """(header text, media URL, media kind) of an interactive message."""
    header = interactive.get("header") or {}
    kind = str(header.get("type") or "")
    if kind == "text":
        return str(header.get("text") or ""), "", ""
    if kind in ("image", "video", "document"):
        return "", str((header.get(kind) or {}).get("link") or ""), kind
    return "", "", ""


def _rows(action: dict) -> tuple[Option, ...]:
    return tuple(
        Option(str(r.get("id") or ""), str(r.get("title") or ""), str(r.get("description") or ""))
        for section in action.get("sections") or []
        for r in section.get("rows") or []
    )


def _buttons(action: dict) -> tuple[Option, ...]:
    replies = [b.get("reply") or {} for b in action.get("buttons") or []]
    return tuple(Option(str(r.get("id") or ""), str(r.get("title") or "")) for r in replies)


def business_bubble(channel: Channel, message: dict) -> WaBubble:
    """One business message as the phone shows it, from the request the sandbox stored."""
    body = message.get("body") or {}
    kind = str(body.get("type") or "text")
    obj = body.get(kind) or {}
    base = {
        "message_id": str(message.get("id") or ""),
        "direction": "in",
        "status": str(message.get("status") or "accepted"),
        "sent_at": _at(message.get("at")),
        "error": ERROR_TITLES.get(int(message["error_code"]), "")
        if message.get("error_code") and message.get("status") == "failed"
        else "",
    }
    if kind == "text":
        return WaBubble(kind="text", text=str(obj.get("body") or ""), **base)
    if kind == "interactive":
        header, media_url, media_kind = _header(obj)
        text = str((obj.get("body") or {}).get("text") or "")
        action = obj.get("action") or {}
        is_list = obj.get("type") == "list"
        return WaBubble(
            kind="interactive",
            text=text,
            header=header,
            media_url=media_url,
            media_kind=media_kind,
            list_label=str(action.get("button") or "") if is_list else "",
            rows=_rows(action) if is_list else (),
            buttons=() if is_list else _buttons(action),
            **base,
        )
    if kind in ("image", "video", "audio", "document", "sticker"):
        return WaBubble(
            kind="media",
            text=str(obj.get("caption") or ""),
            media_url=str(obj.get("link") or ""),
            media_kind=kind,
            **base,
        )
    if kind == "location":
        href = maps_link(obj.get("latitude"), obj.get("longitude"))
        label = str(obj.get("name") or obj.get("address") or _("Location"))
        return WaBubble(kind="location", text=label, href=href, **base)
    if kind == "template":
        return WaBubble(kind="template", text=_template_text(channel, obj), **base)
    if kind == "reaction":
        emoji = str(obj.get("emoji") or "")
        return WaBubble(
            kind="reaction", text=_("Reacted %(emoji)s to a message") % {"emoji": emoji}, **base
        )
    return WaBubble(kind="text", text=_("This message type is not supported."), **base)


def customer_bubble(item: dict, read_ids: set[str]) -> WaBubble:
    """One message the phone sent, from the webhook message the sandbox posted."""
    message_id = str(item.get("id") or "")
    # Posted to the business's webhook, it reached the number: "delivered" until read.
    status = "read" if message_id in read_ids else "delivered"
    base = dict(message_id=message_id, direction="out", status=status)
    base["sent_at"] = _at(item.get("timestamp"))
    kind = str(item.get("type") or "")
    if kind == "text":
        return WaBubble(kind="text", text=str((item.get("text") or {}).get("body") or ""), **base)
    if kind == "interactive":
        interactive = item.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return WaBubble(kind="reply", text=str(reply.get("title") or ""), **base)
    if kind == "button":
        return WaBubble(
            kind="reply", text=str((item.get("button") or {}).get("text") or ""), **base
        )
    if kind == "location":
        where = item.get("location") or {}
        href = maps_link(where.get("latitude"), where.get("longitude"))
        return WaBubble(kind="location", text=_("Shared location"), href=href, **base)
    if kind in ("image", "video", "audio", "document", "sticker"):
        caption = str((item.get(kind) or {}).get("caption") or "")
        return WaBubble(kind="media", text=caption or _("Picture"), media_kind=kind, **base)
    return WaBubble(kind="text", text=kind, **base)


def thread(number: str, channel: Channel, *, now: float | None = None) -> Chat:
    """Oldest first, as WhatsApp lists a chat; only this business's number."""
    entries = api.handset_view(number, phone_number_id(channel))
    read_ids = {str(e.get("message_id")) for e in entries if e.get("event") == "read"}
    bubbles = []
    for entry in entries:
        if entry.get("direction") == "outbound":
            bubbles.append(business_bubble(channel, entry))
        elif entry.get("direction") == "inbound" and isinstance(entry.get("message"), dict):
            bubbles.append(customer_bubble(entry["message"], read_ids))
    return Chat(bubbles, _typing(entries, time.time() if now is None else now))


def _typing(entries: list[dict], now: float) -> bool:
    """The business's latest typing call, unless a message of its own followed it."""
    for entry in reversed(entries):
        if entry.get("direction") == "outbound":
            return False
        if entry.get("typing"):
            return now - float(entry.get("at") or 0) < TYPING_SECONDS
    return False


def find_option(channel: Channel, number: str, message_id: str, reply_id: str) -> tuple[str, str]:
    """("button" | "list", title) of an option the business sent this number, else ("", "").

    The ids come from the browser; a phone can only tap what reached it.
    """
    message = store.get_message(phone_number_id(channel), message_id)
    if not message or "+" + str(message.get("to") or "") != number:
        return "", ""
    if message.get("status") == "failed":
        return "", ""
    bubble = business_bubble(channel, message)
    for kind, options in (("button", bubble.buttons), ("list", bubble.rows)):
        for option in options:
            if option.reply_id == reply_id:
                return kind, option.title
    return "", ""


def phone_reports_reads(channel: Channel) -> bool:
    """Whether the phone on screen must report "read" itself: with "auto" statuses the
    sandbox already plays the phone (delivered, then read after read_delay_ms)."""
    return store.controls(phone_number_id(channel)).get("statuses") != "auto"


def version(data: Chat, *extra: str) -> str:
    """Changes whenever the chat would look different; lets the page skip idle swaps."""
    state = "|".join(f"{b.message_id}:{b.status}" for b in data.bubbles)
    state += f"|typing={data.typing}|" + "|".join(extra)
    return hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()[:16]
