"""Provider-neutral content (content.md) to RBM's AgentMessage JSON (rcs.md, Outbound).

RCS shows cards, carousels and chips natively, so nothing degrades to text here except
what RBM has no message for: an agent's `location` goes out as its text rendering with a
"View location" chip, and a captioned image or video as a one-card message (an RBM file
message has no caption). `fallback_text` is for text-only channels and is ignored.
"""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from urllib.parse import urlsplit

from inbox.content import maps_link, render_text

from .limits import CARD_MEDIA_TYPES, MAX_MESSAGE_SUGGESTIONS

_HEIGHTS = {"short": "SHORT", "medium": "MEDIUM", "tall": "TALL"}
_WIDTHS = {"small": "SMALL", "medium": "MEDIUM"}
_ORIENTATIONS = {"vertical": "VERTICAL", "horizontal": "HORIZONTAL"}
_ALIGNMENTS = {"left": "LEFT", "right": "RIGHT"}


def postback(suggestion: dict) -> str:
    """The postback RBM echoes on a tap; derived from the text when the author gave none.

    Same rule as inbox.content.reply_options, so a tap on RCS and "1" on SMS fall back to
    the same value for the same option.
    """
    return str(suggestion.get("postback") or suggestion.get("text") or "")


def mime_type(media: dict) -> str:
    """The declared type, or one guessed from the URL's extension ("" when unknown)."""
    declared = str(media.get("mime_type") or "").strip().lower()
    if declared:
        return declared
    guessed, _ = mimetypes.guess_type(urlsplit(str(media.get("url", ""))).path)
    return guessed or ""


def _timestamp(value: str) -> str:
    """RFC 3339 in UTC with a Z, the form RBM's Timestamp fields print."""
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def suggestion(s: dict) -> dict:
    """One content.md suggestion as an RBM Suggestion (reply or action)."""
    kind = s.get("type")
    text = str(s.get("text", ""))
    if kind == "reply":
        return {"reply": {"text": text, "postbackData": postback(s)}}
    action: dict = {"text": text, "postbackData": postback(s)}
    if kind == "open_url":
        action["openUrlAction"] = {"url": s["url"]}
    elif kind == "dial":
        action["dialAction"] = {"phoneNumber": s["phone"]}
    elif kind == "view_location":
        view: dict = {"latLong": {"latitude": s["latitude"], "longitude": s["longitude"]}}
        if s.get("label"):
            view["label"] = s["label"]
        action["viewLocationAction"] = view
        # Clients without a maps action open the same place on the web.
        action["fallbackUrl"] = maps_link(s["latitude"], s["longitude"])
    elif kind == "share_location":
        action["shareLocationAction"] = {}
    elif kind == "calendar_event":
        event = {
            "startTime": _timestamp(s["start"]),
            "endTime": _timestamp(s["end"]),
            "title": s["title"],
        }
        if s.get("description"):
            event["description"] = s["description"]
        action["createCalendarEventAction"] = event
    else:
        raise ValueError(f"unknown suggestion type {kind!r}")
    return {"action": action}


def _suggestions(items) -> list[dict]:
    return [suggestion(s) for s in items or []]


def content_info(media: dict, *, thumbnail_key: str = "thumbnail_url") -> dict:
    info: dict = {"fileUrl": media["url"]}
    if media.get(thumbnail_key):
        info["thumbnailUrl"] = media[thumbnail_key]
    info["forceRefresh"] = bool(media.get("force_refresh", False))
    return info


def card_content(card: dict) -> dict:
    out: dict = {}
    if card.get("title"):
        out["title"] = card["title"]
    if card.get("description"):
        out["description"] = card["description"]
    media = card.get("media")
    if isinstance(media, dict) and media.get("url"):
        out["media"] = {
            "height": _HEIGHTS.get(str(media.get("height") or "medium"), "MEDIUM"),
            "contentInfo": content_info(media),
        }
    if card.get("suggestions"):
        out["suggestions"] = _suggestions(card["suggestions"])
    return out


def standalone_card(content: dict) -> dict:
    orientation = _ORIENTATIONS.get(str(content.get("orientation") or "vertical"), "VERTICAL")
    card: dict = {"cardOrientation": orientation}
    if orientation == "HORIZONTAL":
        # Only a horizontal card has a side for its image; RBM ignores it otherwise.
        alignment = str(content.get("thumbnail_alignment") or "left")
        card["thumbnailImageAlignment"] = _ALIGNMENTS.get(alignment, "LEFT")
    card["cardContent"] = card_content(content.get("card") or {})
    return {"standaloneCard": card}


def carousel_card(content: dict) -> dict:
    width = _WIDTHS.get(str(content.get("card_width") or "medium"), "MEDIUM")
    cards = [card_content(c) for c in content.get("cards") or []]
    return {"carouselCard": {"cardWidth": width, "cardContents": cards}}


def captioned_as_card(content: dict) -> bool:
    """A caption can only travel with an image or video, as a one-card message."""
    return bool(content.get("caption")) and mime_type(content) in CARD_MEDIA_TYPES


def content_message(content: dict) -> dict:
    """AgentContentMessage for `content` (assumed valid: see validation.validate)."""
    kind = content.get("type")
    message: dict
    chips = list(content.get("suggestions") or [])
    if kind == "text":
        message = {"text": content["text"]}
    elif kind == "media":
        if captioned_as_card(content):
            card = {
                "description": content["caption"],
                "media": {
                    "url": content["url"],
                    "height": "medium",
                    "thumbnail_url": content.get("thumbnail_url"),
                },
            }
            message = {"richCard": standalone_card({"card": card})}
        else:
            message = {"contentInfo": content_info(content)}
    elif kind == "card":
        message = {"richCard": standalone_card(content)}
    elif kind == "carousel":
        message = {"richCard": carousel_card(content)}
    elif kind == "location":
        message = {"text": render_text({k: v for k, v in content.items() if k != "suggestions"})}
        if len(chips) < MAX_MESSAGE_SUGGESTIONS:
            view = {
                "type": "view_location",
                "text": "View location",
                "latitude": content["latitude"],
                "longitude": content["longitude"],
                "label": content.get("label") or "",
                "postback": "view_location",
            }
            chips.append(view)
    else:
        raise ValueError(f"content type {kind!r} cannot be sent over RCS")
    if chips:
        message["suggestions"] = _suggestions(chips)
    return message


def agent_message(content: dict, *, ttl_seconds: int | None = None, traffic_type: str = "") -> dict:
    """The request body of phones.agentMessages.create."""
    body: dict = {"contentMessage": content_message(content)}
    if traffic_type:
        body["messageTrafficType"] = traffic_type
    if ttl_seconds:
        body["ttl"] = f"{int(ttl_seconds)}s"
    return body


def simpler(content: dict) -> dict | None:
    """A plainer rendering for a phone that refused `content` (RBM's 400 INVALID_ARGUMENT),
    or None when there is nothing plainer than it.

    A card with media goes as the same card without it, when a title or description is
    left; anything else rich goes as its text rendering (numbered options, links).
    """
    kept = {k: content[k] for k in ("traffic_type",) if k in content}
    card = content.get("card") if content.get("type") == "card" else None
    if (
        isinstance(card, dict)
        and card.get("media")
        and (card.get("title") or card.get("description"))
    ):
        plain_card = {k: v for k, v in card.items() if k != "media"}
        return {**{k: v for k, v in content.items() if k != "card"}, "card": plain_card}
    if content.get("type") == "text" and not content.get("suggestions"):
        return None
    return {"type": "text", "text": render_text(content), **kept}
