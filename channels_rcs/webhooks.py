"""RBM webhook bodies (rcs.md, Inbound) into normalized inbox events.

RBM posts either the event JSON itself or a Pub/Sub-style envelope whose `message.data`
is the base64 of it; both are accepted. Anything that cannot be attributed (no sender, no
messageId, no content we know) is a WebhookError, answered 400 with nothing written.
Events RBM may add later, and server events, are acknowledged and ignored so RBM does not
retry them for a week.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from inbox import json_body
from inbox.adapters import (
    Event,
    InboundMessage,
    ReadReceipt,
    StatusUpdate,
    TypingIndicator,
    WebhookError,
)
from inbox.content import render_text
from inbox.phones import InvalidPhoneNumber, to_e164


@dataclass(frozen=True)
class Envelope:
    event: dict  # the RBM event (user message or user event)
    signed: bytes  # the bytes X-Goog-Signature covers
    wrapped: bool
    attributes: dict


def _json(raw: bytes, what: str):
    try:
        return json_body.loads(raw)
    except json_body.JsonTooDeep as exc:
        raise WebhookError(f"{what}: {exc}") from exc
    except ValueError as exc:  # UnicodeDecodeError included
        raise WebhookError(f"{what}: not valid JSON") from exc


def handshake(body: bytes) -> dict | None:
    """{"clientToken", "secret"} of the configuration handshake, else None."""
    try:
        data = json_body.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and "clientToken" in data and "secret" in data:
        return {"clientToken": str(data["clientToken"]), "secret": str(data["secret"])}
    return None


def signed_bytes(body: bytes) -> bytes:
    """What the signature covers: the decoded `message.data`, or the body when unwrapped.

    Never raises: a body we cannot decode is checked as is and rejected later by parse.
    """
    try:
        data = json_body.loads(body)
        encoded = data["message"]["data"]
        return base64.b64decode(encoded, validate=True)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, binascii.Error):
        return body


def unwrap(body: bytes) -> Envelope:
    data = _json(body, "body")
    if not isinstance(data, dict):
        raise WebhookError("body: must be a JSON object")
    message = data.get("message")
    if isinstance(message, dict) and "data" in message:
        try:
            raw = base64.b64decode(str(message["data"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WebhookError("message.data: not valid base64") from exc
        event = _json(raw, "message.data")
        if not isinstance(event, dict):
            raise WebhookError("message.data: must decode to a JSON object")
        attributes = (
            message.get("attributes") if isinstance(message.get("attributes"), dict) else {}
        )
        return Envelope(event=event, signed=raw, wrapped=True, attributes=attributes)
    return Envelope(event=data, signed=body, wrapped=False, attributes={})


def _time(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise WebhookError(f"sendTime: {value!r} is not an RFC 3339 timestamp") from exc


def _required(event: dict, name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value.strip():
        raise WebhookError(f"{name}: required")
    return value.strip()


def _sender(event: dict) -> str:
    value = _required(event, "senderPhoneNumber")
    try:
        canonical = to_e164(value)
    except InvalidPhoneNumber as exc:
        raise WebhookError(f"senderPhoneNumber: {exc}") from exc
    if canonical != value:
        raise WebhookError(f"senderPhoneNumber: {value!r} is not E.164 (expected {canonical})")
    return canonical


def _number(obj: dict, name: str, path: str) -> float:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WebhookError(f"{path}.{name}: required number")
    return value


def _user_file(event: dict) -> dict:
    user_file = event["userFile"]
    payload = user_file.get("payload") if isinstance(user_file, dict) else None
    if not isinstance(payload, dict) or not payload.get("fileUri"):
        raise WebhookError("userFile.payload.fileUri: required")
    content: dict = {"type": "media", "url": str(payload["fileUri"])}
    if payload.get("mimeType"):
        content["mime_type"] = str(payload["mimeType"])
    if payload.get("fileName"):
        content["filename"] = str(payload["fileName"])
    size = payload.get("fileSizeBytes")
    if size is not None:
        try:
            content["size"] = int(size)  # int64 arrives as a JSON string
        except (TypeError, ValueError) as exc:
            raise WebhookError("userFile.payload.fileSizeBytes: not a number") from exc
    return content


def message_content(event: dict) -> dict:
    """The content.md object a user message carries."""
    if "text" in event:
        if not isinstance(event["text"], str):
            raise WebhookError("text: must be a string")
        return {"type": "text", "text": event["text"]}
    if "suggestionResponse" in event:
        response = event["suggestionResponse"]
        if not isinstance(response, dict):
            raise WebhookError("suggestionResponse: must be an object")
        return {
            "type": "suggestion_response",
            "text": str(response.get("text") or ""),
            "postback": str(response.get("postbackData") or ""),
        }
    if "location" in event:
        location = event["location"]
        if not isinstance(location, dict):
            raise WebhookError("location: must be an object")
        return {
            "type": "location",
            "latitude": _number(location, "latitude", "location"),
            "longitude": _number(location, "longitude", "location"),
        }
    if "userFile" in event:
        return _user_file(event)
    raise WebhookError("no text, userFile, location or suggestionResponse in the message")


def _user_event(event: dict) -> list[Event]:
    kind = str(event.get("eventType") or "").upper()
    at = _time(event.get("sendTime"))
    if kind == "IS_TYPING":
        return [TypingIndicator(sender=_sender(event))]
    if kind in ("DELIVERED", "READ"):
        target = _required(event, "messageId")
        if kind == "READ":
            return [ReadReceipt(provider_message_id=target, at=at)]
        return [StatusUpdate(provider_message_id=target, status="delivered", at=at, raw=event)]
    return []  # an event type we do not use (yet): acknowledged, not retried by RBM


def parse(body: bytes) -> list[Event]:
    envelope = unwrap(body)
    event = envelope.event
    if envelope.attributes.get("type") == "agent_launch_event" or "serverEvent" in event:
        return []
    if "eventType" in event:
        return _user_event(event)
    sender = _sender(event)
    message_id = _required(event, "messageId")
    content = message_content(event)
    return [
        InboundMessage(
            provider_message_id=message_id,
            sender=sender,
            recipient=str(event.get("agentId") or ""),
            content=content,
            text=render_text(content),
            received_at=_time(event.get("sendTime")),
            raw=event,
        )
    ]
