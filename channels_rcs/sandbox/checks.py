"""The sandbox's own check of an AgentMessage, in RBM's terms (INVALID_ARGUMENT reasons).

Written against the wire format, not our content schema, so a rendering bug in the adapter
shows up as a 400 here exactly as it would from RBM.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from channels_rcs import limits as L

_ACTIONS = (
    "openUrlAction",
    "dialAction",
    "viewLocationAction",
    "shareLocationAction",
    "createCalendarEventAction",
)


def _suggestion(s, path: str) -> str | None:
    if not isinstance(s, dict) or len({"reply", "action"} & set(s)) != 1:
        return f"{path}: must hold exactly one of reply, action"
    inner = s.get("reply") or s.get("action")
    if not isinstance(inner, dict):
        return f"{path}: must be an object"
    text = inner.get("text")
    if not isinstance(text, str) or not text:
        return f"{path}.text: required"
    if len(text) > L.MAX_SUGGESTION_TEXT:
        return f"{path}.text: longer than {L.MAX_SUGGESTION_TEXT} characters"
    if len(str(inner.get("postbackData") or "")) > L.MAX_POSTBACK:
        return f"{path}.postbackData: longer than {L.MAX_POSTBACK} characters"
    if "action" in s and len([a for a in _ACTIONS if a in inner]) != 1:
        return f"{path}: an action needs exactly one of {', '.join(_ACTIONS)}"
    return None


def _suggestions(items, path: str, limit: int) -> str | None:
    if items is None:
        return None
    if not isinstance(items, list):
        return f"{path}: must be a list"
    if len(items) > limit:
        return f"{path}: more than {limit} suggestions"
    for i, s in enumerate(items):
        problem = _suggestion(s, f"{path}[{i}]")
        if problem:
            return problem
    return None


def _card(card, path: str) -> str | None:
    if not isinstance(card, dict):
        return f"{path}: must be an object"
    if not any(card.get(k) for k in ("title", "description", "media")):
        return f"{path}: a card needs a title, description or media"
    if len(str(card.get("title") or "")) > L.MAX_CARD_TITLE:
        return f"{path}.title: longer than {L.MAX_CARD_TITLE} characters"
    if len(str(card.get("description") or "")) > L.MAX_CARD_DESCRIPTION:
        return f"{path}.description: longer than {L.MAX_CARD_DESCRIPTION} characters"
    media = card.get("media")
    if media is not None:
        if media.get("height") not in ("SHORT", "MEDIUM", "TALL"):
            return f"{path}.media.height: must be SHORT, MEDIUM or TALL"
        if not (media.get("contentInfo") or {}).get("fileUrl"):
            return f"{path}.media.contentInfo.fileUrl: required"
    return _suggestions(card.get("suggestions"), f"{path}.suggestions", L.MAX_CARD_SUGGESTIONS)


def _rich_card(rich, path: str) -> str | None:
    if not isinstance(rich, dict) or len({"standaloneCard", "carouselCard"} & set(rich)) != 1:
        return f"{path}: must hold exactly one of standaloneCard, carouselCard"
    if "standaloneCard" in rich:
        card = rich["standaloneCard"]
        if card.get("cardOrientation") not in ("VERTICAL", "HORIZONTAL"):
            return f"{path}.standaloneCard.cardOrientation: must be VERTICAL or HORIZONTAL"
        return _card(card.get("cardContent"), f"{path}.standaloneCard.cardContent")
    carousel = rich["carouselCard"]
    if carousel.get("cardWidth") not in ("SMALL", "MEDIUM"):
        return f"{path}.carouselCard.cardWidth: must be SMALL or MEDIUM"
    cards = carousel.get("cardContents")
    if (
        not isinstance(cards, list)
        or not L.MIN_CAROUSEL_CARDS <= len(cards) <= L.MAX_CAROUSEL_CARDS
    ):
        return f"{path}.carouselCard.cardContents: a carousel holds 2 to 10 cards"
    for i, card in enumerate(cards):
        problem = _card(card, f"{path}.carouselCard.cardContents[{i}]")
        if problem:
            return problem
    return None


def expiry_seconds(body: dict) -> float | None:
    """Seconds from now until the message's `ttl` / `expireTime` runs out (None: none)."""
    if "ttl" in body:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)s", str(body["ttl"]))
        if not match:
            raise ValueError('ttl: must be a duration in seconds, e.g. "3600s"')
        return float(match.group(1))
    if "expireTime" in body:
        try:
            when = datetime.fromisoformat(str(body["expireTime"]).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError("expireTime: must be an RFC 3339 timestamp") from exc
        return (when - datetime.now(UTC)).total_seconds()
    return None


def _delivery_options(body: dict) -> str | None:
    if "ttl" in body and "expireTime" in body:
        return "AgentMessage: at most one of ttl, expireTime"
    try:
        seconds = expiry_seconds(body)
    except ValueError as exc:
        return str(exc)
    if seconds is not None and seconds > timedelta(days=15).total_seconds():
        return "ttl: at most 15 days"
    traffic = body.get("messageTrafficType")
    if traffic is not None and traffic not in L.TRAFFIC_TYPES:
        return f"messageTrafficType: must be one of {', '.join(L.TRAFFIC_TYPES)}"
    return None


def is_rich(body: dict) -> bool:
    """Anything beyond plain text: cards, files, chips."""
    message = body.get("contentMessage") or {}
    return any(k in message for k in ("richCard", "contentInfo", "uploadedRbmFile", "suggestions"))


def has_media(body: dict) -> bool:
    """A file message, or a card (in a carousel too) showing media."""
    message = body.get("contentMessage") or {}
    if "contentInfo" in message or "uploadedRbmFile" in message:
        return True
    rich = message.get("richCard") or {}
    cards = [(rich.get("standaloneCard") or {}).get("cardContent") or {}]
    cards += (rich.get("carouselCard") or {}).get("cardContents") or []
    return any(isinstance(c, dict) and c.get("media") for c in cards)


def problem(body) -> str | None:
    """The first reason RBM would refuse this AgentMessage, or None."""
    if not isinstance(body, dict) or not isinstance(body.get("contentMessage"), dict):
        return "contentMessage: required"
    options = _delivery_options(body)
    if options:
        return options
    if len(json.dumps(body).encode()) > L.MAX_MESSAGE_BYTES:
        return "AgentMessage: larger than 250 KB"
    message = body["contentMessage"]
    kinds = [k for k in ("text", "uploadedRbmFile", "contentInfo", "richCard") if k in message]
    if len(kinds) != 1:
        return (
            "contentMessage: must hold exactly one of text, uploadedRbmFile, contentInfo, richCard"
        )
    kind = kinds[0]
    if kind == "text":
        if not isinstance(message["text"], str) or not message["text"]:
            return "contentMessage.text: required"
        if len(message["text"]) > L.MAX_TEXT:
            return f"contentMessage.text: longer than {L.MAX_TEXT} characters"
    elif kind == "contentInfo" and not (message["contentInfo"] or {}).get("fileUrl"):
        return "contentMessage.contentInfo.fileUrl: required"
    elif kind == "richCard":
        found = _rich_card(message["richCard"], "contentMessage.richCard")
        if found:
            return found
    return _suggestions(
        message.get("suggestions"), "contentMessage.suggestions", L.MAX_MESSAGE_SUGGESTIONS
    )
