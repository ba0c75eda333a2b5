"""The Cloud API's webhooks: the GET verification handshake and the signed POST events.

Payload shapes from Meta's "messages webhook reference" and "Payload examples"
(developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples): an envelope
{"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id"}, "contacts", "messages",
"statuses"}}]}]}. One app's webhook may carry several phone numbers: only the events of
this channel's phone_number_id are taken, the rest are none of its business.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from inbox.adapters import Event, InboundMessage, StatusUpdate, WebhookError
from inbox.content import render_text

from . import errors

# Meta's words -> ours (tests/channels' contract lists them too). "deleted" (the customer
# deleted our message) and anything new are ignored rather than guessed at.
STATUSES = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
_MEDIA_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_DIGITS = re.compile(r"\d{4,20}")
RAW_LIMIT = 4000  # characters of a text kept in `raw`


def verification_answer(query, verify_token: str) -> str | None:
    """The challenge to echo for a correct subscription request, else None (403).

    Meta's handshake: GET ?hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>,
    answered 200 with the challenge as the body.
    """
    import hmac

    def one(name: str) -> str:
        values = query.get(name) or [""]
        return str(values[0] if isinstance(values, list) else values)

    given = one("hub.verify_token")
    if one("hub.mode") != "subscribe" or not verify_token or not given:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = one("hub.challenge")
    # Meta sends an integer; echo nothing else (the body is ours to answer, not theirs).
    return challenge if re.fullmatch(r"[A-Za-z0-9_-]{1,200}", challenge) else None


def _when(timestamp) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _phone(wa_id) -> str:
    digits = str(wa_id or "")
    if not _DIGITS.fullmatch(digits):
        raise WebhookError("messages[].from: not a WhatsApp id (digits)")
    return "+" + digits


def _media_content(message: dict, kind: str, media_url) -> dict:
    media = message.get(kind) if isinstance(message.get(kind), dict) else {}
    media_id = str(media.get("id") or "")
    content: dict = {"type": "media", "mime_type": str(media.get("mime_type") or "")}
    if _MEDIA_ID.fullmatch(media_id):
        content["url"] = media_url(media_id)
        content["media_id"] = media_id
    else:
        content["url"] = ""
        content["media_error"] = "no media id in the webhook"
    if media.get("caption"):
        content["caption"] = str(media["caption"])
    if media.get("filename"):
        content["filename"] = str(media["filename"])
    if kind == "sticker":
        content["sticker"] = True
    return content


def _contacts_text(contacts) -> str:
    lines = []
    for contact in contacts if isinstance(contacts, list) else []:
        if not isinstance(contact, dict):
            continue
        name = str((contact.get("name") or {}).get("formatted_name") or "")
        phones = [
            str(p.get("phone") or p.get("wa_id") or "")
            for p in contact.get("phones") or []
            if isinstance(p, dict)
        ]
        lines.append(" ".join(part for part in (name, ", ".join(filter(None, phones))) if part))
    return "\n".join(f"Contact: {line}" for line in lines if line) or "Contact card"


def content_of(message: dict, media_url) -> dict:
    """One inbound message as content.md content."""
    kind = str(message.get("type") or "")
    if kind == "text":
        return {"type": "text", "text": str((message.get("text") or {}).get("body") or "")}
    if kind in MEDIA_TYPES:
        return _media_content(message, kind, media_url)
    if kind == "location":
        location = message.get("location") or {}
        content = {
            "type": "location",
            "latitude": location.get("latitude"),
            "longitude": location.get("longitude"),
        }
        label = location.get("name") or location.get("address")
        if label:
            content["label"] = str(label)
        return content
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return {
            "type": "suggestion_response",
            "text": str(reply.get("title") or ""),
            "postback": str(reply.get("id") or ""),
        }
    if kind == "button":  # a template's quick-reply button
        button = message.get("button") or {}
        return {
            "type": "suggestion_response",
            "text": str(button.get("text") or ""),
            "postback": str(button.get("payload") or button.get("text") or ""),
        }
    if kind == "reaction":
        reaction = message.get("reaction") or {}
        emoji = str(reaction.get("emoji") or "")
        return {
            "type": "text",
            "text": emoji or "(reaction removed)",
            "reaction": {"message_id": str(reaction.get("message_id") or ""), "emoji": emoji},
        }
    if kind == "contacts":
        return {"type": "text", "text": _contacts_text(message.get("contacts"))}
    return {"type": "text", "text": f"(a {kind or 'unknown'} message WhatsApp did not pass on)"}


def _status(status: dict) -> StatusUpdate | None:
    ours = STATUSES.get(str(status.get("status") or ""))
    wamid = str(status.get("id") or "")
    if ours is None or not wamid:
        return None
    code, reason = "", ""
    if ours == "failed":
        first = next((e for e in status.get("errors") or [] if isinstance(e, dict)), {})
        number = first.get("code")
        number = number if isinstance(number, int) and not isinstance(number, bool) else None
        code = str(number) if number is not None else ""
        # Summarized from our table, never Meta's text echoed.
        reason = errors.classify(number, 400)[1] if number is not None else "failed"
    raw = {k: status[k] for k in ("status", "timestamp", "recipient_id") if k in status}
    if code:
        raw["error_code"] = code
    return StatusUpdate(
        provider_message_id=wamid,
        status=ours,
        at=_when(status.get("timestamp")),
        error_code=code,
        error_message=reason,
        raw=raw,
    )


def parse(body: bytes, *, phone_number_id: str, media_url) -> list[Event]:
    """Normalized events of this channel's phone number; WebhookError when unreadable."""
    import json

    try:
        payload = json.loads(body or b"")
    except ValueError as exc:
        raise WebhookError("body: not JSON") from exc
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise WebhookError("object: must be whatsapp_business_account")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise WebhookError("entry: must be a list")
    events: list[Event] = []
    for entry in entries:
        for change in (entry or {}).get("changes") or [] if isinstance(entry, dict) else []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue  # template status and account updates arrive on other fields
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            metadata = value.get("metadata") or {}
            if str(metadata.get("phone_number_id") or "") != phone_number_id:
                continue
            names = {
                str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
                for c in value.get("contacts") or []
                if isinstance(c, dict)
            }
            recipient = "+" + str(metadata.get("display_phone_number") or "").lstrip("+")
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id"):
                    continue
                content = content_of(message, media_url)
                sender = _phone(message.get("from"))
                events.append(
                    InboundMessage(
                        provider_message_id=str(message["id"]),
                        sender=sender,
                        recipient=recipient,
                        content=content,
                        text=render_text(content),
                        received_at=_when(message.get("timestamp")),
                        sender_name=names.get(str(message.get("from")), ""),
                        raw={"type": str(message.get("type") or "")[:40]},
                    )
                )
            for status in value.get("statuses") or []:
                if isinstance(status, dict) and (event := _status(status)):
                    events.append(event)
    return events
