"""Schema checks for provider-neutral content, with errors that name the field.

These are the channel-independent rules (types, required fields, enumerations, ranges);
each adapter adds its own limits (lengths, counts) on top. Error strings read
"content.cards[1].suggestions[0].url: required" so an API client or the composer can point
at the exact field.
"""

from __future__ import annotations

from datetime import datetime
from numbers import Real

from inbox.phones import InvalidPhoneNumber, to_e164

CONTENT_TYPES = ("text", "media", "card", "carousel", "location", "suggestion_response")
SUGGESTION_TYPES = (
    "reply",
    "open_url",
    "dial",
    "view_location",
    "share_location",
    "calendar_event",
)
MEDIA_HEIGHTS = ("short", "medium", "tall")
CARD_WIDTHS = ("small", "medium")
ORIENTATIONS = ("vertical", "horizontal")
THUMBNAIL_ALIGNMENTS = ("left", "right")
# What kind of message this is, for providers that classify (and bill or filter) traffic;
# optional on any content, each channel maps it to its own vocabulary or ignores it.
TRAFFIC_TYPES = (
    "authentication",
    "transaction",
    "promotion",
    "service_request",
    "acknowledgement",
)


class _Errors(list):
    def add(self, path: str, reason: str) -> None:
        self.append(f"{path}: {reason}")


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _string(errors: _Errors, obj: dict, key: str, path: str, *, required: bool) -> None:
    value = obj.get(key)
    if value is None:
        if required:
            errors.add(f"{path}.{key}", "required")
    elif not isinstance(value, str):
        errors.add(f"{path}.{key}", "must be a string")
    elif required and not value.strip():
        errors.add(f"{path}.{key}", "must not be empty")


def _choice(errors: _Errors, obj: dict, key: str, path: str, choices: tuple[str, ...]) -> None:
    value = obj.get(key)
    if value is not None and value not in choices:
        errors.add(f"{path}.{key}", f"must be one of {', '.join(choices)}")


def _url(errors: _Errors, obj: dict, key: str, path: str) -> None:
    _string(errors, obj, key, path, required=True)
    value = obj.get(key)
    if isinstance(value, str) and value.strip() and not value.startswith(("https://", "http://")):
        errors.add(f"{path}.{key}", "must be an http(s) URL")


def _coordinates(errors: _Errors, obj: dict, path: str) -> None:
    for key, limit in (("latitude", 90), ("longitude", 180)):
        value = obj.get(key)
        if value is None:
            errors.add(f"{path}.{key}", "required")
        elif not _is_number(value):
            errors.add(f"{path}.{key}", "must be a number")
        elif not -limit <= value <= limit:
            errors.add(f"{path}.{key}", f"must be between -{limit} and {limit}")


def _datetime(errors: _Errors, obj: dict, key: str, path: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        errors.add(f"{path}.{key}", "required")
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.add(f"{path}.{key}", "must be an ISO 8601 date-time")
        return None
    if parsed.tzinfo is None:
        errors.add(f"{path}.{key}", "must include a time zone (e.g. Z)")
        return None
    return parsed


def _suggestion(errors: _Errors, s, path: str) -> None:
    if not isinstance(s, dict):
        errors.add(path, "must be an object")
        return
    kind = s.get("type")
    if kind not in SUGGESTION_TYPES:
        errors.add(f"{path}.type", f"must be one of {', '.join(SUGGESTION_TYPES)}")
        return
    _string(errors, s, "text", path, required=True)
    _string(errors, s, "postback", path, required=False)
    if kind == "open_url":
        _url(errors, s, "url", path)
    elif kind == "dial":
        _string(errors, s, "phone", path, required=True)
        if isinstance(s.get("phone"), str) and s["phone"].strip():
            try:
                if to_e164(s["phone"]) != s["phone"]:
                    errors.add(f"{path}.phone", "must be E.164 (e.g. +14155550100)")
            except InvalidPhoneNumber as exc:
                errors.add(f"{path}.phone", str(exc))
    elif kind == "view_location":
        _coordinates(errors, s, path)
        _string(errors, s, "label", path, required=False)
    elif kind == "calendar_event":
        _string(errors, s, "title", path, required=True)
        _string(errors, s, "description", path, required=False)
        start = _datetime(errors, s, "start", path)
        end = _datetime(errors, s, "end", path)
        if start and end and end < start:
            errors.add(f"{path}.end", "must not be before start")


def _suggestions(errors: _Errors, obj: dict, path: str) -> None:
    value = obj.get("suggestions")
    if value is None:
        return
    if not isinstance(value, list):
        errors.add(f"{path}.suggestions", "must be a list")
        return
    for i, s in enumerate(value):
        _suggestion(errors, s, f"{path}.suggestions[{i}]")


def _media(errors: _Errors, media, path: str, *, in_card: bool) -> None:
    if not isinstance(media, dict):
        errors.add(path, "must be an object")
        return
    _url(errors, media, "url", path)
    _string(errors, media, "mime_type", path, required=False)
    if in_card:
        _choice(errors, media, "height", path, MEDIA_HEIGHTS)
        if media.get("thumbnail_url") is not None:
            _url(errors, media, "thumbnail_url", path)
    else:
        _string(errors, media, "filename", path, required=False)
        _string(errors, media, "caption", path, required=False)
        size = media.get("size")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            errors.add(f"{path}.size", "must be a non-negative integer")


def _card(errors: _Errors, card, path: str) -> None:
    if not isinstance(card, dict):
        errors.add(path, "required" if card is None else "must be an object")
        return
    _string(errors, card, "title", path, required=False)
    _string(errors, card, "description", path, required=False)
    if card.get("media") is not None:
        _media(errors, card["media"], f"{path}.media", in_card=True)
    if not any(card.get(k) for k in ("title", "description", "media")):
        errors.add(f"{path}.title", "required (a card needs a title, description or media)")
    _suggestions(errors, card, path)


def validate(content) -> list[str]:
    """Schema errors in `content` ("content.card.title: required"); empty when valid."""
    errors = _Errors()
    path = "content"
    if not isinstance(content, dict):
        errors.add(path, "must be an object")
        return errors
    kind = content.get("type")
    if kind is None:
        errors.add(f"{path}.type", "required")
        return errors
    if kind not in CONTENT_TYPES:
        errors.add(f"{path}.type", f"must be one of {', '.join(CONTENT_TYPES)}")
        return errors
    if kind == "text":
        _string(errors, content, "text", path, required=True)
    elif kind == "media":
        _media(errors, content, path, in_card=False)
    elif kind == "card":
        _card(errors, content.get("card"), f"{path}.card")
        _choice(errors, content, "orientation", path, ORIENTATIONS)
        _choice(errors, content, "thumbnail_alignment", path, THUMBNAIL_ALIGNMENTS)
    elif kind == "carousel":
        cards = content.get("cards")
        if not isinstance(cards, list) or not cards:
            errors.add(f"{path}.cards", "required (a non-empty list of cards)")
        else:
            for i, card in enumerate(cards):
                _card(errors, card, f"{path}.cards[{i}]")
        _choice(errors, content, "card_width", path, CARD_WIDTHS)
    elif kind == "location":
        _coordinates(errors, content, path)
        _string(errors, content, "label", path, required=False)
    elif kind == "suggestion_response":
        _string(errors, content, "text", path, required=True)
        _string(errors, content, "postback", path, required=False)
    _suggestions(errors, content, path)
    _string(errors, content, "fallback_text", path, required=False)
    _choice(errors, content, "traffic_type", path, TRAFFIC_TYPES)
    return list(errors)
