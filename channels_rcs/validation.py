"""RCS limits on top of the provider-neutral schema, with errors naming field and limit.

Runs before anything is queued, so an agent learns "content.cards[2].suggestions[0].text:
31 > 25 characters" in the composer instead of a 400 from RBM minutes later.
"""

from __future__ import annotations

import json

from inbox.content import validate as validate_schema

from . import limits as L
from .render import agent_message, captioned_as_card, mime_type, postback


class _Errors(list):
    def add(self, path: str, reason: str) -> None:
        self.append(f"{path}: {reason}")

    def length(self, path: str, value, limit: int, unit: str = "characters") -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, f"{len(value)} > {limit} {unit}")

    def count(self, path: str, items, limit: int, noun: str) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.add(path, f"{len(items)} > {limit} {noun}")


def _suggestion(errors: _Errors, s: dict, path: str) -> None:
    errors.length(f"{path}.text", s.get("text"), L.MAX_SUGGESTION_TEXT)
    errors.length(f"{path}.postback", postback(s), L.MAX_POSTBACK)
    kind = s.get("type")
    if kind == "open_url":
        errors.length(f"{path}.url", s.get("url"), L.MAX_URL)
    elif kind == "calendar_event":
        errors.length(f"{path}.title", s.get("title"), L.MAX_CALENDAR_TITLE)
        errors.length(f"{path}.description", s.get("description"), L.MAX_CALENDAR_DESCRIPTION)


def _suggestions(errors: _Errors, owner: dict, path: str, limit: int) -> None:
    items = owner.get("suggestions") or []
    errors.count(f"{path}.suggestions", items, limit, "suggestions")
    for i, s in enumerate(items):
        _suggestion(errors, s, f"{path}.suggestions[{i}]")


def _file(errors: _Errors, media: dict, path: str, allowed: frozenset[str], what: str) -> None:
    errors.length(f"{path}.url", media.get("url"), L.MAX_URL)
    errors.length(f"{path}.thumbnail_url", media.get("thumbnail_url"), L.MAX_URL)
    mime = mime_type(media)
    if mime and mime not in allowed:
        errors.add(f"{path}.mime_type", f"{mime} is not accepted in {what} on RCS")
    size = media.get("size")
    if isinstance(size, int) and size > L.MAX_FILE_BYTES:
        errors.add(f"{path}.size", f"{size} > {L.MAX_FILE_BYTES} bytes (100 MiB)")
    thumbnail = media.get("thumbnail_size")
    if isinstance(thumbnail, int) and thumbnail > L.MAX_THUMBNAIL_BYTES:
        errors.add(
            f"{path}.thumbnail_size", f"{thumbnail} > {L.MAX_THUMBNAIL_BYTES} bytes (100 KiB)"
        )


def _files(content: dict) -> list[dict]:
    """Every file a message carries (its media, or its cards' media)."""
    if content.get("type") == "media":
        return [content]
    cards = [content.get("card")] if content.get("type") == "card" else content.get("cards")
    return [
        c["media"] for c in cards or [] if isinstance(c, dict) and isinstance(c.get("media"), dict)
    ]


def _total_size(errors: _Errors, content: dict) -> None:
    sizes = [f.get("size") for f in _files(content)]
    if len(sizes) < 2:
        return  # one file: its own limit, checked beside it, is the same number
    total = sum(s for s in sizes if isinstance(s, int) and not isinstance(s, bool))
    if total > L.MAX_MESSAGE_FILE_BYTES:
        errors.add(
            "content",
            f"{total} > {L.MAX_MESSAGE_FILE_BYTES} bytes of files in one message (100 MiB)",
        )


def _card(errors: _Errors, card: dict, path: str, *, small_carousel: bool = False) -> None:
    errors.length(f"{path}.title", card.get("title"), L.MAX_CARD_TITLE)
    errors.length(f"{path}.description", card.get("description"), L.MAX_CARD_DESCRIPTION)
    media = card.get("media")
    if not any(card.get(k) for k in ("title", "description", "media")):
        errors.add(f"{path}.title", "required on RCS (a card needs a title, description or media)")
    if isinstance(media, dict):
        _file(errors, media, f"{path}.media", L.CARD_MEDIA_TYPES, "a rich card")
        if small_carousel and media.get("height") == "tall":
            errors.add(f"{path}.media.height", "tall is not available in a small-width carousel")
    _suggestions(errors, card, path, L.MAX_CARD_SUGGESTIONS)


def _limits(content: dict) -> _Errors:
    errors = _Errors()
    path = "content"
    kind = content.get("type")
    if kind == "suggestion_response":
        errors.add(
            f"{path}.type",
            "suggestion_response is what a customer's tap sends; agents cannot send it",
        )
        return errors
    if kind == "text":
        errors.length(f"{path}.text", content.get("text"), L.MAX_TEXT)
    elif kind == "media":
        _file(errors, content, path, L.FILE_TYPES, "a file message")
        caption = content.get("caption")
        if caption:
            if not captioned_as_card(content):
                what = mime_type(content) or "this file"
                errors.add(
                    f"{path}.caption",
                    f"RCS can caption only an image or video, not {what} "
                    "(send the text as its own message)",
                )
            errors.length(f"{path}.caption", caption, L.MAX_CARD_DESCRIPTION)
    elif kind == "card":
        _card(errors, content.get("card") or {}, f"{path}.card")
    elif kind == "carousel":
        cards = content.get("cards") or []
        if len(cards) < L.MIN_CAROUSEL_CARDS:
            errors.add(
                f"{path}.cards",
                f"{len(cards)} < {L.MIN_CAROUSEL_CARDS} cards (a carousel holds 2 to 10; "
                "send one card as type card)",
            )
        errors.count(f"{path}.cards", cards, L.MAX_CAROUSEL_CARDS, "cards")
        small = content.get("card_width") == "small"
        for i, card in enumerate(cards):
            _card(errors, card, f"{path}.cards[{i}]", small_carousel=small)
    _suggestions(errors, content, path, L.MAX_MESSAGE_SUGGESTIONS)
    _total_size(errors, content)
    return errors


def validate(content) -> list[str]:
    """Every error in `content` for RCS: schema first, then RBM's limits."""
    errors = validate_schema(content)
    if errors:
        return errors
    found = _limits(content)
    if found:
        return list(found)
    size = len(json.dumps(agent_message(content), ensure_ascii=False).encode("utf-8"))
    if size > L.MAX_MESSAGE_BYTES:
        return [f"content: {size} > {L.MAX_MESSAGE_BYTES} bytes (the whole RCS message)"]
    return []
