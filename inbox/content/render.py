"""Text rendering of provider-neutral content for SMS and any text-only channel.

Every SMS segment costs money, so the rendering is as short as it can stay readable, and
it only uses GSM-7 characters of its own (a hyphen, not the spec's em dash, between a
carousel card's title and description): one stray non-GSM character would switch the whole
message to UCS-2 and cut a segment from 160 to 70 characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils import dateformat, translation
from django.utils.translation import gettext

from inbox.phones import pretty

# Reply options are numbered in the order they are rendered: a card's own suggestions
# first (cards in carousel order), then the message-level chips.


def maps_link(latitude: float, longitude: float) -> str:
    """A maps URL every phone opens (the shortest widely understood form)."""
    return f"https://maps.google.com/?q={_coord(latitude)},{_coord(longitude)}"


def _coord(value) -> str:
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _cards(content: dict) -> list[dict]:
    if content.get("type") == "card" and isinstance(content.get("card"), dict):
        return [content["card"]]
    if content.get("type") == "carousel" and isinstance(content.get("cards"), list):
        return [c for c in content["cards"] if isinstance(c, dict)]
    return []


def _all_suggestions(content: dict) -> list[dict]:
    found: list[dict] = []
    for card in _cards(content):
        found.extend(s for s in card.get("suggestions") or [] if isinstance(s, dict))
    found.extend(s for s in content.get("suggestions") or [] if isinstance(s, dict))
    return found


def reply_options(content: dict) -> list[dict]:
    """The numbered reply options as rendered: [{"number", "text", "postback"}, ...].

    The inbox uses this to map a later "2" (or the option's text) from the customer back to
    the option's postback, so the numbering here and in `render_text` must stay one rule.
    A missing postback is derived from the text, which is stable across renderings.
    """
    if content.get("fallback_text"):
        # The agent wrote the text by hand; numbers in it are not ours to interpret.
        return []
    replies = [s for s in _all_suggestions(content) if s.get("type") == "reply"]
    return [
        {
            "number": n,
            "text": str(s.get("text", "")),
            "postback": str(s.get("postback") or s.get("text", "")),
        }
        for n, s in enumerate(replies, start=1)
    ]


def _format_time(value: str, tz: tzinfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo("UTC"))
    return parsed.astimezone(tz)


def _calendar(s: dict, tz: tzinfo) -> str:
    title = str(s.get("title") or s.get("text") or gettext("Event"))
    start = _format_time(s.get("start", ""), tz)
    if start is None:
        return title
    when = dateformat.format(start, "D M j, H:i")  # "Mon Jan 5, 14:00", in the language
    end = _format_time(s.get("end", ""), tz)
    if end is not None and end != start:
        when += (
            f"-{end:%H:%M}"
            if end.date() == start.date()
            else " - " + dateformat.format(end, "D M j, H:i")
        )
    zone = start.tzname() or ""
    return f"{title}: {when} {zone}".rstrip()


def _action_line(s: dict, tz: tzinfo) -> str | None:
    kind = s.get("type")
    text = str(s.get("text") or "").strip()
    label = f"{text}: " if text else ""
    if kind == "open_url":
        return f"{label}{s.get('url', '')}"
    if kind == "dial":
        return f"{label}{pretty(str(s.get('phone', '')))}"
    if kind == "view_location":
        return f"{label}{maps_link(s.get('latitude', 0), s.get('longitude', 0))}"
    if kind == "calendar_event":
        return _calendar(s, tz)
    return None  # reply (collected into one line), share_location (omitted), unknown


def _suggestion_lines(content: dict, tz: tzinfo) -> list[str]:
    suggestions = _all_suggestions(content)
    lines = [line for s in suggestions if (line := _action_line(s, tz))]
    options = reply_options(content)
    if options:
        each = [gettext("%(number)s for %(text)s") % o for o in options]
        lines.append(gettext("Reply %(options)s") % {"options": ", ".join(each)})
    if suggestions and all(s.get("type") == "share_location" for s in suggestions):
        # A plain phone cannot share a location; asking for the address keeps the flow going.
        lines.append(gettext("Reply with your address"))
    return lines


def _media_url(media) -> str:
    return str(media.get("url", "")) if isinstance(media, dict) else ""


def _card_lines(card: dict) -> list[str]:
    return [
        str(part)
        for part in (card.get("title"), card.get("description"), _media_url(card.get("media")))
        if part
    ]


def _carousel_line(n: int, card: dict) -> str:
    head = " - ".join(str(p) for p in (card.get("title"), card.get("description")) if p)
    return f"{n}. {head}" if head else f"{n}. {_media_url(card.get('media'))}".rstrip()


def _body_lines(content: dict) -> Iterable[str]:
    kind = content.get("type")
    if kind in ("text", "suggestion_response"):
        yield str(content.get("text", ""))
    elif kind == "media":
        yield from (p for p in (content.get("caption"), content.get("url")) if p)
    elif kind == "card":
        yield from _card_lines(content.get("card") or {})
    elif kind == "carousel":
        yield from (_carousel_line(n, c) for n, c in enumerate(_cards(content), start=1))
    elif kind == "location":
        link = maps_link(content.get("latitude", 0), content.get("longitude", 0))
        label = content.get("label")
        yield f"{label}: {link}" if label else link
    elif content.get("text"):  # an unknown type that still carries text
        yield str(content["text"])


def render_text(
    content: dict, *, tz: str | tzinfo | None = None, language: str | None = None
) -> str:
    """What a plain phone shows for `content`; `tz` localizes calendar times (UTC default).

    `fallback_text`, when present, wins over everything: the author knows best. The
    words around the author's ("Reply 1 for ...") are in `language`, else the content's
    `language` (the customer's, stamped when it was queued), else English.
    """
    if not isinstance(content, dict):
        return ""
    fallback = content.get("fallback_text")
    if isinstance(fallback, str) and fallback.strip():
        return fallback
    zone = ZoneInfo(tz) if isinstance(tz, str) else (tz or ZoneInfo("UTC"))
    with translation.override(language or content.get("language") or "en"):
        lines = [line for line in _body_lines(content) if line]
        lines += _suggestion_lines(content, zone)
    return "\n".join(lines)
