"""Provider-neutral content (content.md) to a Cloud API message, with the limits checked.

One pass builds the body and collects what does not fit, so validation and sending can
never disagree. The mapping (docs/channels/whatsapp.md):

- text -> "text" (preview_url on when it holds a link); with reply chips, up to 3 become
  interactive reply buttons, 4 to 10 an interactive list; more is refused.
- media -> image / video / audio / document / sticker by link (the type from mime_type);
  with reply chips, the media becomes the header of a reply-button message.
- card -> header image (or video / document) + body (title, description) + reply buttons;
  chips beyond 3 -> a list (its header the title; a list cannot carry media, so the
  media's link goes into the body).
- carousel -> its cards as numbered lines, reply chips as buttons or a list.
- location -> "location". Action chips (open_url, dial, ...) become lines of the body,
  as in the text rendering.
- content carrying "template" (a text message whose text is the filled-in template, so
  every other part of the inbox reads it) -> "template" with its parameters.
- content carrying "reaction" ({"message_id", "emoji"}) -> "reaction".
"""

from __future__ import annotations

import re

from inbox.content import render_text

from . import limits

URL = re.compile(r"https?://", re.IGNORECASE)
LIST_BUTTON = "Options"  # the list's opening button, shown to the customer
MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


class _Problems(list):
    def add(self, path: str, reason: str) -> None:
        self.append(f"{path}: {reason}")

    def length(self, path: str, value: str, limit: int, what: str = "characters") -> None:
        if len(value) > limit:
            self.add(path, f"{len(value)} > {limit} {what}")


def media_kind(mime_type: str, url: str = "") -> str:
    mime = (mime_type or "").lower()
    if mime == "image/webp":
        return "sticker"
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    if mime.startswith("audio/"):
        return "audio"
    if not mime and re.search(r"\.(jpe?g|png)$", url.split("?")[0], re.IGNORECASE):
        return "image"
    return "document"


def _suggestions(content: dict) -> list[tuple[str, dict]]:
    """(path, suggestion) in rendering order: a card's own chips, then the message's."""
    found = []
    if content.get("type") == "card" and isinstance(content.get("card"), dict):
        for i, s in enumerate(content["card"].get("suggestions") or []):
            found.append((f"content.card.suggestions[{i}]", s))
    elif content.get("type") == "carousel":
        for c, card in enumerate(content.get("cards") or []):
            for i, s in enumerate((card or {}).get("suggestions") or []):
                found.append((f"content.cards[{c}].suggestions[{i}]", s))
    for i, s in enumerate(content.get("suggestions") or []):
        found.append((f"content.suggestions[{i}]", s))
    return [(p, s) for p, s in found if isinstance(s, dict)]


def _action_lines(suggestions: list[dict]) -> str:
    if not suggestions:
        return ""
    return render_text({"type": "text", "text": "", "suggestions": suggestions}).strip()


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _media_object(media: dict, kind: str) -> dict:
    obj = {"link": str(media.get("url", ""))}
    if kind == "document" and media.get("filename"):
        obj["filename"] = str(media["filename"])
    return obj


def _interactive(
    problems: _Problems,
    replies: list[tuple[str, dict]],
    *,
    body: str,
    header: dict | None,
    title: str = "",
) -> dict:
    """Reply buttons (up to 3) or a list (up to 10 rows)."""
    if not body.strip():
        problems.add("content.text", "required (WhatsApp's buttons need a message body)")
    problems.length("content.text", body, limits.MAX_INTERACTIVE_BODY)
    if len(replies) <= limits.MAX_BUTTONS:
        buttons = []
        for path, s in replies:
            text, ident = str(s.get("text", "")), str(s.get("postback") or s.get("text", ""))
            problems.length(f"{path}.text", text, limits.MAX_BUTTON_TITLE)
            problems.length(f"{path}.postback", ident, limits.MAX_BUTTON_ID)
            buttons.append({"type": "reply", "reply": {"id": ident, "title": text}})
        interactive: dict = {
            "type": "button",
            "body": {"text": body},
            "action": {"buttons": buttons},
        }
        if header:
            interactive["header"] = header
        return interactive
    if len(replies) > limits.MAX_LIST_ROWS:
        problems.add(
            replies[0][0].rsplit("[", 1)[0] if len(replies) else "content.suggestions",
            f"{len(replies)} > {limits.MAX_LIST_ROWS} reply options (a WhatsApp list holds 10)",
        )
    rows = []
    for path, s in replies[: limits.MAX_LIST_ROWS]:
        text, ident = str(s.get("text", "")), str(s.get("postback") or s.get("text", ""))
        problems.length(f"{path}.text", text, limits.MAX_ROW_TITLE)
        problems.length(f"{path}.postback", ident, limits.MAX_ROW_ID)
        rows.append({"id": ident, "title": text})
    interactive = {
        "type": "list",
        "body": {"text": body},
        "action": {"button": LIST_BUTTON, "sections": [{"title": LIST_BUTTON, "rows": rows}]},
    }
    if title:
        problems.length("content.card.title", title, limits.MAX_HEADER_TEXT)
        interactive["header"] = {"type": "text", "text": title}
    return interactive


def _template(problems: _Problems, template) -> dict:
    if not isinstance(template, dict):
        problems.add("content.template", "must be an object")
        return {}
    name = str(template.get("name") or "")
    language = str(template.get("language") or "")
    if not name:
        problems.add("content.template.name", "required")
    if not language:
        problems.add("content.template.language", "required")
    params = template.get("parameters") or []
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        problems.add("content.template.parameters", "must be a list of strings")
        params = []
    wire: dict = {"name": name, "language": {"code": language}}
    if params:
        wire["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]}
        ]
    return wire


def build(content: dict, *, to: str) -> tuple[dict, list[str]]:
    """(the POST /messages body, problems as "field: reason"); use the body only when
    there are no problems."""
    problems = _Problems()
    message: dict = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    if not isinstance(content, dict):
        return message, ["content: must be an object"]
    if content.get("template") is not None:
        message.update(type="template", template=_template(problems, content["template"]))
        return message, list(problems)
    if isinstance(content.get("reaction"), dict):
        reaction = content["reaction"]
        message.update(
            type="reaction",
            reaction={
                "message_id": str(reaction.get("message_id", "")),
                "emoji": str(reaction.get("emoji") or content.get("text") or ""),
            },
        )
        return message, list(problems)

    fallback = content.get("fallback_text")
    if isinstance(fallback, str) and fallback.strip():
        problems.length("content.fallback_text", fallback, limits.MAX_TEXT)
        message.update(
            type="text", text={"body": fallback, "preview_url": bool(URL.search(fallback))}
        )
        return message, list(problems)

    kind = content.get("type")
    chips = _suggestions(content)
    replies = [(p, s) for p, s in chips if s.get("type") == "reply"]
    actions = _action_lines([s for _p, s in chips if s.get("type") != "reply"])

    if kind == "location":
        if replies:
            problems.add(replies[0][0], "a WhatsApp location message carries no reply buttons")
        location = {"latitude": content.get("latitude"), "longitude": content.get("longitude")}
        if content.get("label"):
            location["name"] = str(content["label"])
        message.update(type="location", location=location)
        return message, list(problems)

    if kind == "media":
        media_type = media_kind(str(content.get("mime_type") or ""), str(content.get("url", "")))
        caption = _join(str(content.get("caption") or ""), actions)
        if replies:
            if media_type in ("audio", "sticker"):
                problems.add(
                    "content.mime_type", f"{media_type} cannot head a WhatsApp button message"
                )
            header = {"type": media_type, media_type: _media_object(content, media_type)}
            interactive = _interactive(problems, replies, body=caption, header=header)
            if interactive["type"] == "list":  # a list header holds text only
                interactive["body"]["text"] = _join(caption, str(content.get("url", "")))
            message.update(type="interactive", interactive=interactive)
            return message, list(problems)
        obj = _media_object(content, media_type)
        if caption:
            if media_type in ("audio", "sticker"):
                problems.add("content.caption", f"WhatsApp sends {media_type} without a caption")
            problems.length("content.caption", caption, limits.MAX_CAPTION)
            obj["caption"] = caption
        message.update(type=media_type, **{media_type: obj})
        return message, list(problems)

    if kind == "card":
        card = content.get("card") or {}
        title, description = str(card.get("title") or ""), str(card.get("description") or "")
        media = card.get("media") if isinstance(card.get("media"), dict) else None
        body = _join(title, description, actions) if media else _join(description or title, actions)
        if not replies:
            if media:
                media_type = media_kind(
                    str(media.get("mime_type") or ""), str(media.get("url", ""))
                )
                obj = _media_object(media, media_type)
                if body:
                    problems.length("content.card.description", body, limits.MAX_CAPTION)
                    obj["caption"] = body
                message.update(type=media_type, **{media_type: obj})
            else:
                text = _join(title, description, actions)
                message.update(
                    type="text", text={"body": text, "preview_url": bool(URL.search(text))}
                )
            return message, list(problems)
        header = None
        if len(replies) <= limits.MAX_BUTTONS:
            if media:
                media_type = media_kind(
                    str(media.get("mime_type") or ""), str(media.get("url", ""))
                )
                if media_type in ("audio", "sticker"):
                    problems.add(
                        "content.card.media.mime_type", f"{media_type} cannot head a WhatsApp card"
                    )
                header = {"type": media_type, media_type: _media_object(media, media_type)}
            elif title and description:
                problems.length("content.card.title", title, limits.MAX_HEADER_TEXT)
                header = {"type": "text", "text": title}
            interactive = _interactive(problems, replies, body=body, header=header)
        else:
            list_body = _join(description, str(media.get("url", "")) if media else "", actions)
            interactive = _interactive(
                problems,
                replies,
                body=list_body or title,
                header=None,
                title=title if list_body else "",
            )
        message.update(type="interactive", interactive=interactive)
        return message, list(problems)

    if kind == "carousel":
        lines = [
            f"{n}. " + " - ".join(str(p) for p in (c.get("title"), c.get("description")) if p)
            for n, c in enumerate(content.get("cards") or [], start=1)
            if isinstance(c, dict)
        ]
        body = _join("\n".join(lines), actions)
    else:  # text, suggestion_response
        body = _join(str(content.get("text") or ""), actions)
    if replies:
        interactive = _interactive(problems, replies, body=body, header=None)
        message.update(type="interactive", interactive=interactive)
        return message, list(problems)
    problems.length("content.text", body, limits.MAX_TEXT)
    message.update(type="text", text={"body": body, "preview_url": bool(URL.search(body))})
    return message, list(problems)
