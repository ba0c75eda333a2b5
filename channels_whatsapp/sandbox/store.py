"""The WhatsApp sandbox's own state, in Redis (never in inbox tables).

The sandbox plays Meta's servers, so its accounts, behaviour controls, messages, media,
templates and each customer's last message (the 24-hour window) live beside the inbox's
database, shared by every web and worker process as the real Graph API would be.
"""

from __future__ import annotations

import json

import redis

from inbox.redis_client import text_client
from inbox.sandbox_controls import SandboxControls

PREFIX = "sandbox:wa:"
MESSAGE_TTL = 30 * 24 * 3600
HANDSET_LOG_LENGTH = 200

# Behaviour of one sandbox phone number; POST /sandbox/whatsapp/control changes any of these.
DEFAULT_CONTROLS: dict = {
    "statuses": "auto",  # "auto" (Celery, with the delays below) | "manual" (fire()) | "off"
    "delivered_delay_ms": 300,
    "read_delay_ms": 1500,  # null/negative: never read
    "enforce_window": True,  # free-form outside 24 h -> failed status with 131047
    "undeliverable": [],  # numbers (digits) whose messages fail with 131026
    "template_review": "manual",  # "manual" (control approves) | "approve" | "reject"
    "retry_after": 1,
}


def r() -> redis.Redis:
    return text_client()


def _get_json(key: str):
    raw = r().get(key)
    return json.loads(raw) if raw else None


def register_account(phone_number_id: str, data: dict) -> None:
    r().set(f"{PREFIX}account:{phone_number_id}", json.dumps(data))


def registered_account(phone_number_id: str) -> dict | None:
    return _get_json(f"{PREFIX}account:{phone_number_id}")


def bind_owner(phone_number_id: str, workspace_id: int) -> int:
    key = f"{PREFIX}owner:{phone_number_id}"
    r().set(key, int(workspace_id), nx=True)
    return int(r().get(key))


def owner(phone_number_id: str) -> int | None:
    value = r().get(f"{PREFIX}owner:{phone_number_id}")
    return int(value) if value else None


# Controls and scripted errors, per business number (inbox/sandbox_controls.py).
_controls = SandboxControls(PREFIX, DEFAULT_CONTROLS, lambda: r())
controls = _controls.controls
set_controls = _controls.set_controls
reset = _controls.reset
push_errors = _controls.push_errors
take_error = _controls.take_error
pending_errors = _controls.pending_errors


def save_message(message: dict) -> None:
    key = f"{PREFIX}msg:{message['phone_number_id']}:{message['id']}"
    r().set(key, json.dumps(message), ex=MESSAGE_TTL)


def get_message(phone_number_id: str, wamid: str) -> dict | None:
    return _get_json(f"{PREFIX}msg:{phone_number_id}:{wamid}")


def customer_wrote(phone_number_id: str, wa_id: str, at: float) -> None:
    r().set(f"{PREFIX}window:{phone_number_id}:{wa_id}", str(at), ex=MESSAGE_TTL)


def last_customer_message(phone_number_id: str, wa_id: str) -> float | None:
    value = r().get(f"{PREFIX}window:{phone_number_id}:{wa_id}")
    return float(value) if value else None


def save_media(media_id: str, data: dict) -> None:
    r().set(f"{PREFIX}media:{media_id}", json.dumps(data), ex=MESSAGE_TTL)


def get_media(media_id: str) -> dict | None:
    return _get_json(f"{PREFIX}media:{media_id}")


def save_template(waba_id: str, template: dict) -> None:
    field = f"{template['name']}|{template['language']}"
    r().hset(f"{PREFIX}templates:{waba_id}", field, json.dumps(template))


def templates(waba_id: str) -> list[dict]:
    return [json.loads(v) for v in r().hgetall(f"{PREFIX}templates:{waba_id}").values()]


def get_template(waba_id: str, name: str, language: str) -> dict | None:
    raw = r().hget(f"{PREFIX}templates:{waba_id}", f"{name}|{language}")
    return json.loads(raw) if raw else None


def log_to_handset(phone: str, entry: dict) -> None:
    key = f"{PREFIX}handset:{phone}"
    pipe = r().pipeline()
    pipe.rpush(key, json.dumps(entry))
    pipe.ltrim(key, -HANDSET_LOG_LENGTH, -1)
    pipe.expire(key, MESSAGE_TTL)
    pipe.execute()


def handset_log(phone: str) -> list[dict]:
    return [json.loads(e) for e in r().lrange(f"{PREFIX}handset:{phone}", 0, -1)]


def remember_inbound(phone_number_id: str, wamid: str, phone: str) -> None:
    r().set(f"{PREFIX}inbound:{phone_number_id}:{wamid}", phone, ex=MESSAGE_TTL)


def inbound_phone(phone_number_id: str, wamid: str) -> str | None:
    return r().get(f"{PREFIX}inbound:{phone_number_id}:{wamid}")
