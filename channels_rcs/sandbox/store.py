"""The RBM sandbox's own state, in Redis (never in inbox tables).

The sandbox plays Google's servers, so its service accounts, tokens, agents, behaviour
controls and message log live beside the inbox's database, shared by every web and worker
process as the real RBM would be.
"""

from __future__ import annotations

import json

import redis

from inbox.redis_client import text_client
from inbox.sandbox_controls import SandboxControls

PREFIX = "sandbox:rbm:"
TOKEN_TTL = 3600
MESSAGE_TTL = 30 * 24 * 3600  # RBM keeps undelivered messages for 30 days
HANDSET_LOG_LENGTH = 200

# Behaviour of one sandbox agent; POST /sandbox/rbm/control changes any of these.
DEFAULT_CONTROLS: dict = {
    "events": "auto",  # "auto" (Celery, with the delays below) | "manual" (fire()) | "off"
    "delivered_delay_ms": 300,  # after acceptance, before the DELIVERED user event
    "read_delay_ms": 1500,  # after DELIVERED, before READ; null/negative: never read
    "typing_before_read": False,  # an IS_TYPING user event right after READ
    "odd_unreachable": True,  # numbers ending in an odd digit are not RCS-capable
    "unreachable": [],  # more numbers that are not RCS-capable
    "reachable": [],  # numbers that are RCS-capable whatever their last digit
    # Handsets that cannot show some content: RBM answers 400 INVALID_ARGUMENT for it.
    "rich_unsupported": [],  # numbers shown plain text only (no cards, files or chips)
    "media_unsupported": [],  # numbers shown no media (files, or media in cards)
    "text_unsupported": [],  # numbers that refuse plain text too (a broken handset)
    "revoke_fails": [],  # numbers whose expired messages cannot be revoked (REVOKE_FAILED)
    "latency_ms": 0,  # before the API answers
    "retry_after": 1,  # seconds, sent with every 429
}


def r() -> redis.Redis:
    return text_client()


def _get_json(key: str):
    raw = r().get(key)
    return json.loads(raw) if raw else None


# Service accounts and tokens ---------------------------------------------------------


def register_service_account(client_email: str, public_key_pem: str) -> None:
    r().set(f"{PREFIX}sa:{client_email}", public_key_pem)


def service_account_public_key(client_email: str) -> str | None:
    return r().get(f"{PREFIX}sa:{client_email}")


def save_token(token: str, client_email: str) -> None:
    r().set(f"{PREFIX}token:{token}", client_email, ex=TOKEN_TTL)


def token_owner(token: str) -> str | None:
    return r().get(f"{PREFIX}token:{token}") if token else None


# Agents ------------------------------------------------------------------------------


def register_agent(agent_id: str, *, client_email: str, client_token: str) -> None:
    data = {"client_email": client_email, "client_token": client_token}
    r().set(f"{PREFIX}agent:{agent_id}", json.dumps(data))


def registered_agent(agent_id: str) -> dict | None:
    return _get_json(f"{PREFIX}agent:{agent_id}")


# Owners: the workspace an agent or a service account belongs to ------------------------


def bind_owner(kind: str, name: str, workspace_id: int) -> int:
    """Make `workspace_id` the owner of agent / service account `name` ("agent" / "sa")
    unless it has one already; returns the owner. The first binding wins, for good."""
    key = f"{PREFIX}owner:{kind}:{name}"
    r().set(key, int(workspace_id), nx=True)
    return int(r().get(key))


def owner(kind: str, name: str) -> int | None:
    value = r().get(f"{PREFIX}owner:{kind}:{name}")
    return int(value) if value else None


# Controls ----------------------------------------------------------------------------


# Controls and scripted errors, per agent (inbox/sandbox_controls.py).
_controls = SandboxControls(PREFIX, DEFAULT_CONTROLS, lambda: r())
controls = _controls.controls
set_controls = _controls.set_controls
reset = _controls.reset
push_errors = _controls.push_errors
take_error = _controls.take_error
pending_errors = _controls.pending_errors


# Messages and events -----------------------------------------------------------------


def claim_id(agent_id: str, item_id: str) -> bool:
    """Reserve a message/event id for the agent; False when it was used before."""
    return bool(r().set(f"{PREFIX}id:{agent_id}:{item_id}", "1", nx=True, ex=MESSAGE_TTL))


def save_message(message: dict) -> None:
    key = f"{PREFIX}msg:{message['agent_id']}:{message['message_id']}"
    r().set(key, json.dumps(message), ex=MESSAGE_TTL)


def get_message(agent_id: str, message_id: str) -> dict | None:
    return _get_json(f"{PREFIX}msg:{agent_id}:{message_id}")


def log_to_handset(phone: str, entry: dict) -> None:
    """Remember what reached a customer's phone, for the phone simulator page."""
    key = f"{PREFIX}handset:{phone}"
    pipe = r().pipeline()
    pipe.rpush(key, json.dumps(entry))
    pipe.ltrim(key, -HANDSET_LOG_LENGTH, -1)
    pipe.expire(key, MESSAGE_TTL)
    pipe.execute()


def handset_log(phone: str) -> list[dict]:
    """Agent messages and events as a simulated phone saw them, oldest first."""
    return [json.loads(e) for e in r().lrange(f"{PREFIX}handset:{phone}", 0, -1)]
