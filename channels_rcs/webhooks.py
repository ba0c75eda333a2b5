"""RBM webhook bodies (docs/channels/rcs.md, Inbound) into normalized inbox events.

RBM posts one event per request, wrapped Pub/Sub-style: `{"message": {"data": <base64 of
the event JSON>, "attributes", "messageId", "publishTime"}, "subscription"}`, signed over
the decoded `message.data`. Google documents no other form, so no other is accepted.

Once the signature holds, the event is authentic, and RBM retries any non-200 answer for
7 days on one queue shared by all of a partner's agents: an event we cannot use is still
answered 200, as an `Unusable` event kept for inspection, and an event addressed to
another agent is acknowledged and dropped.
"""

from __future__ import annotations

import base64
import binascii
import logging
from datetime import datetime

from inbox import json_body
from inbox.adapters import (
    ConsentChange,
    Event,
    InboundMessage,
    ReadReceipt,
    Revocation,
    StatusUpdate,
    TypingIndicator,
    Unusable,
    WebhookError,
)
from inbox.content import render_text
from inbox.phones import InvalidPhoneNumber, to_e164

log = logging.getLogger(__name__)

# What the ledger records as the source of an opt-out or opt-in the RBM platform reported.
CONSENT_SOURCE = "rbm"
# The user events that change consent (Google's EventType), as the ledger's actions.
_CONSENT_EVENTS = {"UNSUBSCRIBE": "opt_out", "SUBSCRIBE": "opt_in"}
# The server events sent for a message that had a ttl / expireTime: revoked or not.
_SERVER_EVENTS = {"TTL_EXPIRATION_REVOKED": True, "TTL_EXPIRATION_REVOKE_FAILED": False}
# A raw body that is not JSON is kept as text, cut here.
RAW_TEXT_LIMIT = 4000


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


def _envelope(body: bytes) -> tuple[bytes, dict] | None:
    """(decoded `message.data`, `message.attributes`) of a Pub/Sub-style body, else None."""
    try:
        data = json_body.loads(body)
        message = data["message"]
        raw = base64.b64decode(message["data"], validate=True)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, binascii.Error):
        return None
    attributes = message.get("attributes")
    return raw, attributes if isinstance(attributes, dict) else {}


def signed_bytes(body: bytes) -> bytes | None:
    """What X-Goog-Signature covers: the decoded `message.data`; None for a body that is
    not the Pub/Sub-style envelope (nothing RBM signs, so it is refused as unsigned)."""
    found = _envelope(body)
    return found[0] if found else None


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


def _phone(event: dict, name: str = "senderPhoneNumber") -> str:
    value = _required(event, name)
    try:
        canonical = to_e164(value)
    except InvalidPhoneNumber as exc:
        raise WebhookError(f"{name}: {exc}") from exc
    if canonical != value:
        raise WebhookError(f"{name}: {value!r} is not E.164 (expected {canonical})")
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
        return [TypingIndicator(sender=_phone(event))]
    if kind in ("DELIVERED", "READ"):
        target = _required(event, "messageId")
        if kind == "READ":
            return [ReadReceipt(provider_message_id=target, at=at)]
        return [StatusUpdate(provider_message_id=target, status="delivered", at=at, raw=event)]
    if kind in _CONSENT_EVENTS:
        return [
            ConsentChange(
                sender=_phone(event),
                action=_CONSENT_EVENTS[kind],
                source=CONSENT_SOURCE,
                event_id=_required(event, "eventId"),
            )
        ]
    raise WebhookError(f"eventType: {kind or 'missing'} is not a user event this inbox applies")


def _server_event(event: dict) -> list[Event]:
    """TTL_EXPIRATION_REVOKED / _REVOKE_FAILED for an agent message sent with a ttl.

    The message id is read from the server event or beside it (Google's reference
    describes the event, not its exact nesting; both placements are taken)."""
    server = event["serverEvent"]
    if not isinstance(server, dict):
        raise WebhookError("serverEvent: must be an object")
    kind = str(server.get("eventType") or "").upper()
    if kind not in _SERVER_EVENTS:
        raise WebhookError(f"serverEvent.eventType: {kind or 'missing'} is not applied here")
    target = server.get("messageId") or event.get("messageId")
    if not isinstance(target, str) or not target.strip():
        raise WebhookError("serverEvent.messageId: required")
    return [
        Revocation(
            provider_message_id=target.strip(),
            revoked=_SERVER_EVENTS[kind],
            at=_time(event.get("sendTime") or server.get("sendTime")),
            raw=event,
        )
    ]


def _events(event: dict) -> list[Event]:
    if "serverEvent" in event:
        return _server_event(event)
    if "eventType" in event:
        return _user_event(event)
    content = message_content(event)
    return [
        InboundMessage(
            provider_message_id=_required(event, "messageId"),
            sender=_phone(event),
            recipient=str(event.get("agentId") or ""),
            content=content,
            text=render_text(content),
            received_at=_time(event.get("sendTime")),
            raw=event,
        )
    ]


def _raw(data: bytes) -> dict:
    """The event as kept for inspection: its JSON object, else its text."""
    try:
        parsed = json_body.loads(data)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    return {"data": data.decode("utf-8", "replace")[:RAW_TEXT_LIMIT]}


def parse(body: bytes, *, agent_id: str) -> list[Event]:
    """The normalized events of a verified body. Never raises: what cannot be applied
    comes back as `Unusable`, and another agent's event as nothing."""
    found = _envelope(body)
    if found is None:  # verify_webhook refuses these; kept for a direct caller
        return [Unusable(reason="body: not a Pub/Sub-style RBM event", raw=_raw(body))]
    data, attributes = found
    try:
        event = _json(data, "message.data")
        if not isinstance(event, dict):
            raise WebhookError("message.data: must decode to a JSON object")
    except WebhookError as exc:
        log.warning("rbm webhook for agent %s not applied: %s", agent_id, exc)
        return [Unusable(reason=str(exc), raw=_raw(data))]
    if event.get("agentId") != agent_id:
        # RBM shares one queue between a partner's agents: not this channel's to apply.
        log.warning(
            "rbm webhook for agent %r reached agent %s's channel; dropped",
            event.get("agentId"),
            agent_id,
        )
        return []
    if attributes.get("type") == "agent_launch_event":
        return []  # the agent's launch state, not a conversation event
    try:
        return _events(event)
    except WebhookError as exc:
        log.warning("rbm webhook for agent %s not applied: %s", agent_id, exc)
        return [Unusable(reason=str(exc), raw=event)]
