"""The RBM sandbox's own state, in Redis (never in inbox tables).

The sandbox plays Google's servers, so its service accounts, tokens, agents, behaviour
controls and message log live beside the inbox's database, shared by every web and worker
process as the real RBM would be.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

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


# A send's Redis work, in as few round trips as possible ------------------------------
#
# The send endpoint is the sandbox's hot path (a campaign posts hundreds a second, on the
# same cores as the inbox under test): what it reads before answering is one pipeline,
# and what it writes after the id is claimed another. Each comes in a blocking form (the
# Django view) and an asyncio one (the lean ASGI route, sandbox/asgi.py); both build the
# same commands and read the same answers.


@dataclass
class SendState:
    """What a send reads before it is judged: the token's service account, the agent's
    registration, its controls and how many scripted errors wait."""

    token_email: str | None
    registered: dict | None
    controls: dict
    pending_errors: int


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def _queue_send_state(pipe, token: str, agent_id: str) -> None:
    pipe.get(f"{PREFIX}token:{token}")
    pipe.get(f"{PREFIX}agent:{agent_id}")
    pipe.get(f"{PREFIX}controls:{agent_id}")
    pipe.llen(f"{PREFIX}errors:{agent_id}")


def _send_state(token: str, answers: list) -> SendState:
    email, registered, controls, pending = answers
    email = _text(email) if token else None
    registered = _text(registered)
    controls = _text(controls)
    return SendState(
        token_email=email or None,
        registered=json.loads(registered) if registered else None,
        # As SandboxControls.controls merges them.
        controls={**DEFAULT_CONTROLS, **(json.loads(controls) if controls else {})},
        pending_errors=int(pending or 0),
    )


def send_state(token: str, agent_id: str) -> SendState:
    pipe = r().pipeline(transaction=False)
    _queue_send_state(pipe, token, agent_id)
    return _send_state(token, pipe.execute())


async def asend_state(client, token: str, agent_id: str) -> SendState:
    """send_state through an asyncio Redis client."""
    pipe = client.pipeline(transaction=False)
    _queue_send_state(pipe, token, agent_id)
    return _send_state(token, await pipe.execute())


async def atake_error(client, agent_id: str) -> dict | None:
    """take_error through an asyncio Redis client."""
    raw = await client.lpop(f"{PREFIX}errors:{agent_id}")
    return json.loads(raw) if raw else None


def _claim_args(message: dict) -> tuple[str, str]:
    return f"{PREFIX}id:{message['agent_id']}:{message['message_id']}", "1"


def _queue_accepted(pipe, message: dict) -> None:
    """save_message and log_to_handset, as one pipeline."""
    key = f"{PREFIX}msg:{message['agent_id']}:{message['message_id']}"
    pipe.set(key, json.dumps(message), ex=MESSAGE_TTL)
    handset = f"{PREFIX}handset:{message['phone']}"
    entry = {
        "direction": "outbound",
        "agent_id": message["agent_id"],
        "message_id": message["message_id"],
    }
    pipe.rpush(handset, json.dumps(entry))
    pipe.ltrim(handset, -HANDSET_LOG_LENGTH, -1)
    pipe.expire(handset, MESSAGE_TTL)


def accept(message: dict) -> bool:
    """Claim the message's id and store it with its handset entry; False (nothing
    stored) when the id was used before."""
    key, value = _claim_args(message)
    if not r().set(key, value, nx=True, ex=MESSAGE_TTL):
        return False
    pipe = r().pipeline(transaction=False)
    _queue_accepted(pipe, message)
    pipe.execute()
    return True


async def aaccept(client, message: dict) -> bool:
    """accept through an asyncio Redis client."""
    key, value = _claim_args(message)
    if not await client.set(key, value, nx=True, ex=MESSAGE_TTL):
        return False
    pipe = client.pipeline(transaction=False)
    _queue_accepted(pipe, message)
    await pipe.execute()
    return True
