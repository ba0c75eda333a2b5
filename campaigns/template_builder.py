"""The template editor's form, both ways: posted fields to a content-spec document and a
document back to the rows the form shows.

The form is flat (htmx posts it whole on every change): `type`, the message's own fields,
`card-<i>-<field>` per card, `s-<j>-<field>` per message-level suggestion and
`card-<i>-s-<j>-<field>` per card suggestion, with counts (`cards`, `suggestions`,
`card-<i>-suggestions`) so an empty row survives a re-render. `action` adds or removes a
row. Only the fields a suggestion's type uses are kept; validation is the content
schema's and the channels' (inbox.content, adapter.validate), not this module's.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

TYPES = ("text", "media", "card", "carousel")
# The fields each suggestion type carries besides text and postback.
SUGGESTION_FIELDS = {
    "reply": (),
    "open_url": ("url",),
    "dial": ("phone",),
    "view_location": ("latitude", "longitude", "label"),
    "share_location": (),
    "calendar_event": ("title", "start", "end", "description"),
}
ALL_SUGGESTION_FIELDS = (
    "type",
    "text",
    "postback",
    "url",
    "phone",
    "latitude",
    "longitude",
    "label",
    "title",
    "start",
    "end",
    "description",
)
CARD_FIELDS = ("title", "description", "media_url", "media_height")
MAX_ROWS = 20  # rows a form may ask for; the channels' own limits are lower


def _count(post, key: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(post.get(key) or 0)))
    except ValueError:
        return 0


def _media(url: str, *, height: str = "") -> dict:
    media = {"url": url}
    mime, _encoding = mimetypes.guess_type(urlsplit(url).path)
    if mime:
        media["mime_type"] = mime
    if height:
        media["height"] = height
    return media


def _suggestion(post, prefix: str) -> dict | None:
    kind = post.get(f"{prefix}type", "")
    if kind not in SUGGESTION_FIELDS:
        return None
    row = {"type": kind, "text": post.get(f"{prefix}text", "").strip()}
    for name in SUGGESTION_FIELDS[kind]:
        value = post.get(f"{prefix}{name}", "").strip()
        if name in ("latitude", "longitude"):
            try:
                row[name] = float(value)
            except ValueError:
                row[name] = value  # the schema names the field and says why
        elif value or name not in ("label", "description"):
            row[name] = value
    postback = post.get(f"{prefix}postback", "").strip()
    if postback:
        row["postback"] = postback
    return row


def _suggestions(post, prefix: str, count_key: str) -> list[dict]:
    rows = (_suggestion(post, f"{prefix}s-{j}-") for j in range(_count(post, count_key)))
    return [row for row in rows if row is not None]


def _card(post, i: int) -> dict:
    prefix = f"card-{i}-"
    card: dict = {}
    for name in ("title", "description"):
        value = post.get(f"{prefix}{name}", "").strip()
        if value:
            card[name] = value
    url = post.get(f"{prefix}media_url", "").strip()
    if url:
        card["media"] = _media(url, height=post.get(f"{prefix}media_height", "") or "medium")
    suggestions = _suggestions(post, prefix, f"{prefix}suggestions")
    if suggestions:
        card["suggestions"] = suggestions
    return card


def content_from_form(post) -> dict:
    """The document the form describes (possibly invalid: validation says where)."""
    kind = post.get("type", "text")
    kind = kind if kind in TYPES else "text"
    content: dict = {"type": kind}
    if kind == "text":
        content["text"] = post.get("text", "").strip()
    elif kind == "media":
        content.update(_media(post.get("media_url", "").strip()))
        caption = post.get("caption", "").strip()
        if caption:
            content["caption"] = caption
    elif kind == "card":
        content["card"] = _card(post, 0)
        content["orientation"] = post.get("orientation") or "vertical"
        if content["orientation"] == "horizontal":
            content["thumbnail_alignment"] = post.get("thumbnail_alignment") or "left"
    else:
        content["card_width"] = post.get("card_width") or "medium"
        content["cards"] = [_card(post, i) for i in range(max(1, _count(post, "cards")))]
    suggestions = _suggestions(post, "", "suggestions")
    if suggestions:
        content["suggestions"] = suggestions
    return content


# Back from a document to the form's rows.


def _suggestion_row(s: dict, conversions: frozenset[str] = frozenset()) -> dict:
    row = {name: "" for name in ALL_SUGGESTION_FIELDS}
    row.update({k: "" if v is None else str(v) for k, v in s.items() if k in row})
    row["conversion"] = bool(row["postback"]) and row["postback"] in conversions
    return row


def _card_row(card: dict, conversions: frozenset[str] = frozenset()) -> dict:
    media = card.get("media") or {}
    return {
        "title": card.get("title", ""),
        "description": card.get("description", ""),
        "media_url": media.get("url", ""),
        "media_height": media.get("height", "medium"),
        "suggestions": [_suggestion_row(s, conversions) for s in card.get("suggestions") or []],
    }


def form_from_content(content: dict, conversions: frozenset[str] = frozenset()) -> dict:
    """What the editor's rows show for a stored document; a chip whose postback is in
    `conversions` shows ticked as a conversion."""
    kind = content.get("type") if content.get("type") in TYPES else "text"
    if kind == "card":
        cards = [_card_row(content.get("card") or {}, conversions)]
    elif kind == "carousel":
        cards = [_card_row(c, conversions) for c in content.get("cards") or [{}]]
    else:
        cards = [_card_row({})]
    return {
        "type": kind,
        "text": content.get("text", ""),
        "media_url": content.get("url", "") if kind == "media" else "",
        "caption": content.get("caption", ""),
        "orientation": content.get("orientation", "vertical"),
        "thumbnail_alignment": content.get("thumbnail_alignment", "left"),
        "card_width": content.get("card_width", "medium"),
        "cards": cards,
        "suggestions": [_suggestion_row(s, conversions) for s in content.get("suggestions") or []],
    }


def conversion_postbacks(post) -> tuple[list[str], list[str]]:
    """The postbacks of the chips ticked "counts as a conversion", and the problems: a
    tap is recognised by its postback, so a ticked chip without one cannot count."""
    marked: list[str] = []
    problems: list[str] = []
    for key in post:
        if not key.endswith("-conversion"):
            continue
        prefix = key[: -len("conversion")]
        postback = post.get(f"{prefix}postback", "").strip()
        if not postback:
            label = post.get(f"{prefix}text", "").strip()
            problems.append(
                _("The chip “%(label)s” counts as a conversion: give it a postback.")
                % {"label": label}
            )
        elif postback not in marked:
            marked.append(postback)
    return marked, problems


def apply_action(form: dict, action: str) -> dict:
    """Add or remove a row: "add-card", "remove-card-<i>", "add-s", "remove-s-<j>",
    "add-card-<i>-s", "remove-card-<i>-s-<j>". Anything else changes nothing."""
    parts = action.split("-")
    blank = _suggestion_row({"type": "reply"})
    try:
        if action == "add-card" and len(form["cards"]) < MAX_ROWS:
            form["cards"].append(_card_row({}))
        elif action.startswith("remove-card-") and len(parts) == 3 and len(form["cards"]) > 1:
            form["cards"].pop(int(parts[2]))
        elif action == "add-s" and len(form["suggestions"]) < MAX_ROWS:
            form["suggestions"].append(blank)
        elif action.startswith("remove-s-") and len(parts) == 3:
            form["suggestions"].pop(int(parts[2]))
        elif action.startswith("add-card-") and len(parts) == 4 and parts[3] == "s":
            rows = form["cards"][int(parts[2])]["suggestions"]
            if len(rows) < MAX_ROWS:
                rows.append(blank)
        elif action.startswith("remove-card-") and len(parts) == 5 and parts[3] == "s":
            form["cards"][int(parts[2])]["suggestions"].pop(int(parts[4]))
    except (IndexError, ValueError):
        pass  # a stale or forged row number: nothing to do
    return form


def numbered(form: dict) -> dict:
    """Each row's field-name prefix and its remove action, for the template."""
    for i, card in enumerate(form["cards"]):
        card["prefix"] = f"card-{i}-"
        for j, row in enumerate(card["suggestions"]):
            row["prefix"] = f"card-{i}-s-{j}-"
            row["remove"] = f"remove-card-{i}-s-{j}"
    for j, row in enumerate(form["suggestions"]):
        row["prefix"] = f"s-{j}-"
        row["remove"] = f"remove-s-{j}"
    return form
