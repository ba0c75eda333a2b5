"""What the sandbox posts to an agent's webhook: user messages, user events (DELIVERED,
READ, IS_TYPING, UNSUBSCRIBE, SUBSCRIBE) and server events (TTL_EXPIRATION_REVOKED /
_REVOKE_FAILED), signed.

Each is wrapped Pub/Sub-style and signed like RBM's (HMAC-SHA512 with the agent's client
token over the decoded `message.data`), the only form RBM posts, so every sandbox run
exercises the adapter's real verification and unwrapping.

An agent's owner may point its webhook anywhere (the "webhook_url" control), so every post
over the network goes through the guarded shared client (inbox/http.py), as the SMS
sandbox's status callbacks do.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from datetime import UTC, datetime

import httpx

from channels_rcs.signature import HEADER, sign
from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client

from . import accounts, store

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(event: dict) -> tuple[bytes, bytes]:
    """(request body, signed bytes) for one event."""
    data = json.dumps(event, separators=(",", ":")).encode()
    body = {
        "message": {
            "attributes": {"product": "RBM"},
            "data": base64.b64encode(data).decode(),
            "messageId": str(uuid.uuid4().int)[:17],
            "publishTime": _now(),
        },
        "subscription": "projects/rbm-sandbox/subscriptions/rbm-agent-sub",
    }
    return json.dumps(body).encode(), data


def deliver(
    agent_id: str,
    event: dict,
    *,
    url: str | None = None,
    client_token: str | None = None,
    client: httpx.Client | None = None,
) -> int | None:
    """POST one signed event to the agent's webhook; its HTTP status (None if unreachable)."""
    url = url or accounts.webhook_url_for(agent_id)
    token = client_token or accounts.client_token_for(agent_id) or ""
    if not url:
        log.warning("sandbox rbm: agent %s has no webhook", agent_id)
        return None
    body, signed = envelope(event)
    headers = {HEADER: sign(token, signed), "Content-Type": "application/json"}
    try:
        if client is not None:  # the caller's own transport (in-process tests)
            return client.post(url, content=body, headers=headers).status_code
        return shared_client().post(url, content=body, headers=headers, timeout=10.0).status_code
    except UnsafeTarget as exc:
        log.warning("sandbox rbm: webhook %s refused: %s", url, exc)
        return None
    except httpx.HTTPError as exc:
        log.warning("sandbox rbm: webhook %s failed: %s", url, exc)
        return None


def user_event(agent_id: str, phone: str, event_type: str, message_id: str = "") -> dict:
    event = {
        "senderPhoneNumber": phone,
        "eventType": event_type,
        "eventId": str(uuid.uuid4()),
        "sendTime": _now(),
        "agentId": agent_id,
    }
    if message_id:
        event["messageId"] = message_id
    return event


def post_user_event(
    agent_id: str, phone: str, event_type: str, message_id: str = "", *, client=None
) -> int | None:
    """DELIVERED / READ / IS_TYPING from the phone; the message's sandbox record follows."""
    if message_id and event_type in ("DELIVERED", "READ"):
        message = store.get_message(agent_id, message_id)
        if message is None or message.get("revoked"):
            return None
        rank = {"SENT": 0, "DELIVERED": 1, "READ": 2}
        if rank[event_type] > rank.get(message.get("status", "SENT"), 0):
            message["status"] = event_type
            store.save_message(message)
    return deliver(agent_id, user_event(agent_id, phone, event_type, message_id), client=client)


def plan(controls: dict) -> list[tuple[str, float]]:
    """(event type, seconds after acceptance) for one accepted message."""
    delivered = max(0, int(controls.get("delivered_delay_ms") or 0)) / 1000
    steps = [("DELIVERED", delivered)]
    read = controls.get("read_delay_ms")
    if read is not None and int(read) >= 0:
        steps.append(("READ", delivered + int(read) / 1000))
        if controls.get("typing_before_read"):
            steps.append(("IS_TYPING", delivered + int(read) / 1000))
    return steps


def fire(agent_id: str, message_id: str, *, client=None) -> list[int | None]:
    """Post a message's whole plan now, in this process (tests, the phone simulator)."""
    message = store.get_message(agent_id, message_id)
    if message is None:
        raise LookupError(f"sandbox has no message {message_id} for agent {agent_id}")
    out = []
    for event_type, _ in plan(store.controls(agent_id)):
        ref = message_id if event_type != "IS_TYPING" else ""
        out.append(post_user_event(agent_id, message["phone"], event_type, ref, client=client))
    return out


def server_event(agent_id: str, phone: str, event_type: str, message_id: str) -> dict:
    """A server event about one agent message (Google's "Server events")."""
    return {
        "agentId": agent_id,
        "phoneNumber": phone,
        "messageId": message_id,
        "sendTime": _now(),
        "serverEvent": {
            "eventType": event_type,
            "eventId": str(uuid.uuid4()),
            "messageId": message_id,
        },
    }


def expire(agent_id: str, message_id: str, *, client=None) -> int | None:
    """The message's ttl / expireTime has run out: revoke it if it is still undelivered
    and tell the agent (TTL_EXPIRATION_REVOKED), or say it could not be (REVOKE_FAILED,
    for the numbers in the "revoke_fails" control). Nothing for a delivered message."""
    message = store.get_message(agent_id, message_id)
    if message is None or message.get("revoked") or message.get("status") != "SENT":
        return None
    phone = message["phone"]
    if phone in (store.controls(agent_id).get("revoke_fails") or []):
        kind = "TTL_EXPIRATION_REVOKE_FAILED"
    else:
        kind = "TTL_EXPIRATION_REVOKED"
        message["revoked"] = True
        store.save_message(message)
    return deliver(agent_id, server_event(agent_id, phone, kind, message_id), client=client)


def user_message_event(agent_id: str, phone: str, content: dict, message_id: str = "") -> dict:
    """A user message in RBM's shape from content.md-style content (what a phone sends)."""
    event = {
        "senderPhoneNumber": phone,
        "messageId": message_id or f"MxSandbox{uuid.uuid4().hex}",
        "sendTime": _now(),
        "agentId": agent_id,
    }
    kind = content.get("type", "text")
    if kind == "text":
        event["text"] = str(content.get("text", ""))
    elif kind == "media":
        payload = {
            "mimeType": content.get("mime_type") or "image/jpeg",
            "fileSizeBytes": str(int(content.get("size") or 0)),
            "fileUri": content["url"],
            "fileName": content.get("filename") or content["url"].rsplit("/", 1)[-1],
        }
        event["userFile"] = {"payload": payload}
    elif kind == "location":
        event["location"] = {"latitude": content["latitude"], "longitude": content["longitude"]}
    elif kind == "suggestion_response":
        event["suggestionResponse"] = {
            "postbackData": content.get("postback") or content.get("text", ""),
            "text": content.get("text", ""),
            "type": str(content.get("kind") or "reply").upper(),
        }
    else:
        raise ValueError(f"a phone cannot send content of type {kind!r}")
    return event


def simulate_user_message(
    channel, from_number: str, content: dict | str, *, message_id: str = "", client=None
) -> tuple[int | None, str]:
    """The customer sends `content` to the channel's agent: (webhook status, messageId).

    `content` is content.md-shaped (text, media, location, suggestion_response) or a plain
    string. Posted correctly signed to the channel's own webhook URL.
    """
    if isinstance(content, str):
        content = {"type": "text", "text": content}
    agent_id = str(channel.config.get("agent_id", ""))
    event = user_message_event(agent_id, from_number, content, message_id)
    store.log_to_handset(
        from_number, {"direction": "inbound", "agent_id": agent_id, "event": event}
    )
    status = deliver(
        agent_id,
        event,
        url=channel.adapter.webhook_urls(channel)["webhook"],
        client_token=channel.secrets.get("client_token", ""),
        client=client,
    )
    return status, event["messageId"]


def simulate_typing(channel, from_number: str, *, client=None) -> int | None:
    """The customer starts typing (an IS_TYPING user event)."""
    agent_id = str(channel.config.get("agent_id", ""))
    return deliver(
        agent_id,
        user_event(agent_id, from_number, "IS_TYPING"),
        url=channel.adapter.webhook_urls(channel)["webhook"],
        client_token=channel.secrets.get("client_token", ""),
        client=client,
    )


def simulate_subscription(
    channel, from_number: str, *, subscribed: bool, client=None
) -> int | None:
    """The customer turns the agent's messages off (UNSUBSCRIBE) or back on (SUBSCRIBE)
    from the phone, as RBM reports it."""
    agent_id = str(channel.config.get("agent_id", ""))
    kind = "SUBSCRIBE" if subscribed else "UNSUBSCRIBE"
    store.log_to_handset(
        from_number, {"direction": "event", "agent_id": agent_id, "eventType": kind, "at": _now()}
    )
    return deliver(
        agent_id,
        user_event(agent_id, from_number, kind),
        url=channel.adapter.webhook_urls(channel)["webhook"],
        client_token=channel.secrets.get("client_token", ""),
        client=client,
    )
