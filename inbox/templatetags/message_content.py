"""Template filters that draw provider-neutral content the way the customer's phone does.

The thread shows a card as a card and a chip as a chip when the channel rendered them
natively, and the plain text a text-only phone received otherwise. These filters only
read the message's content; they never query the database (the thread's query count
stays flat however many messages it holds).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from inbox import media_links
from inbox.content import maps_link

register = template.Library()

_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
_VIDEO = (".mp4", ".webm", ".mov", ".m4v", ".3gp")
_AUDIO = (".mp3", ".ogg", ".wav", ".m4a", ".amr")
_ICONS = {
    "reply": "",
    "open_url": "🔗",
    "dial": "📞",
    "view_location": "🗺️",
    "share_location": "📍",
    "calendar_event": "📅",
}


@register.filter
def media_kind(media) -> str:
    """image / video / audio / file, from the MIME type or, lacking one, the URL."""
    if not isinstance(media, dict):
        return "file"
    mime = str(media.get("mime_type") or "")
    for kind in ("image", "video", "audio"):
        if mime.startswith(kind + "/"):
            return kind
    path = urlparse(str(media.get("url") or "")).path.lower()
    for kind, endings in (("image", _IMAGE), ("video", _VIDEO), ("audio", _AUDIO)):
        if path.endswith(endings):
            return kind
    return "file"


@register.filter
def media_src(media) -> str:
    """Where the thread loads a media item: our stored copy through the members-only
    route when we hold one (never a provider's expiring or credentialed URL)."""
    return media_links.media_src(media)


@register.filter
def media_link(url) -> str:
    """One of our media addresses made site-relative (the session goes with it)."""
    path = media_links.path_from_url(str(url or ""))
    return media_links.member_url(path) if path else str(url or "")


@register.filter
def cards(content) -> list[dict]:
    if not isinstance(content, dict):
        return []
    if content.get("type") == "card" and isinstance(content.get("card"), dict):
        return [content["card"]]
    if content.get("type") == "carousel" and isinstance(content.get("cards"), list):
        return [c for c in content["cards"] if isinstance(c, dict)]
    return []


@register.filter
def chips(container) -> list[dict]:
    """Suggestions as drawable chips: {kind, text, icon, href}."""
    items = container.get("suggestions") if isinstance(container, dict) else None
    out = []
    for s in items or []:
        if not isinstance(s, dict):
            continue
        kind = str(s.get("type") or "reply")
        href = ""
        if kind == "open_url":
            href = str(s.get("url") or "")
            if not href.startswith(("https://", "http://")):
                href = ""
        elif kind == "dial":
            href = f"tel:{s.get('phone', '')}"
        elif kind == "view_location":
            try:
                href = maps_link(s.get("latitude", 0), s.get("longitude", 0))
            except (TypeError, ValueError):
                href = ""
        text = str(s.get("text") or s.get("title") or "")
        out.append({"kind": kind, "text": text, "icon": _ICONS.get(kind, ""), "href": href})
    return out


@register.filter
def location_href(content) -> str:
    try:
        return maps_link(content.get("latitude", 0), content.get("longitude", 0))
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter
def shown_rich(message) -> bool:
    """Did the customer see native rich content? Inbound: as they sent it. Outbound: only
    when the channel it actually went out on renders cards or chips; otherwise they got
    the text rendering, and that is what the thread shows."""
    if message.direction != "outbound":
        return True
    caps = message.channel.adapter.capabilities(message.channel)
    return bool(caps.rich_cards or caps.suggestions)


_MENTION = re.compile(r"(?<![\w@])@([\w.+-]*[\w+-])")


@register.filter
def with_mentions(text: str, names) -> SafeString:
    """The note's text, escaped, line breaks kept, resolved @mentions highlighted."""
    known = {str(n).lower() for n in names or []}

    def mark(match: re.Match) -> str:
        if match.group(1).lower() in known:
            return f'<mark class="mention" data-testid="mention">{match.group(0)}</mark>'
        return match.group(0)

    escaped = escape(text or "")
    return mark_safe(_MENTION.sub(mark, escaped).replace("\n", "<br>"))
