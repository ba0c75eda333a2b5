"""The sandbox provider's own state, in Redis (never in inbox tables).

The sandbox plays a separate company's servers, so its accounts, behaviour controls, block
list and message log live beside, not inside, the inbox's database; several web and worker
processes see the same state, as they would see the same Twilio.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

import redis
from django.conf import settings

PREFIX = "sandbox:twilio:"
MESSAGE_TTL = 7 * 24 * 3600
HANDSET_LOG_LENGTH = 200

# Behaviour of one sandbox account; POST /sandbox/twilio/control changes any of these.
DEFAULT_CONTROLS: dict = {
    "latency_ms": 0,  # before the Messages API answers
    "callback_delay_ms": 300,  # before each status callback, one after the other
    "callbacks": "auto",  # "auto" (Celery) | "manual" (fire_callbacks()) | "off"
    "error_format": "legacy",  # "legacy" {code,message,more_info,status} | "rfc9457"
    "retry_after": 1,  # seconds, sent with every 429
    "async_error": None,  # {"status": "undelivered"|"failed", "code": 30003}: every send
    "duplicate_callbacks": False,  # every callback posted twice
    "out_of_order": False,  # final status posted before "sent"
    "sign_with_port": False,  # sign callbacks over the URL with its default port
    "raw_dlr_done_date": True,  # RawDlrDoneDate on delivered/undelivered
    "advanced_opt_out": True,  # OptOutType on STOP/START/HELP inbound messages
}


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True)


def r() -> redis.Redis:
    return _client(settings.REDIS_URL)


# Accounts ---------------------------------------------------------------------------


def register_account(account_sid: str, auth_token: str) -> None:
    r().set(f"{PREFIX}account:{account_sid}", auth_token)


def registered_token(account_sid: str) -> str | None:
    return r().get(f"{PREFIX}account:{account_sid}")


def bind_account(account_sid: str, workspace_id: int) -> int:
    """Make `workspace_id` the account's owner unless it has one already; the owner."""
    key = f"{PREFIX}account-workspace:{account_sid}"
    r().set(key, int(workspace_id), nx=True)  # the first binding wins, for good
    return int(r().get(key))


def account_workspace(account_sid: str) -> int | None:
    value = r().get(f"{PREFIX}account-workspace:{account_sid}")
    return int(value) if value else None


# Controls ---------------------------------------------------------------------------


def _with_defaults(raw: bytes | None) -> dict:
    return {**DEFAULT_CONTROLS, **(json.loads(raw) if raw else {})}


def controls(account_sid: str) -> dict:
    return _with_defaults(r().get(f"{PREFIX}controls:{account_sid}"))


def set_controls(account_sid: str, **values) -> dict:
    unknown = set(values) - set(DEFAULT_CONTROLS)
    if unknown:
        raise ValueError(f"unknown sandbox control(s): {', '.join(sorted(unknown))}")
    merged = {**controls(account_sid), **values}
    r().set(f"{PREFIX}controls:{account_sid}", json.dumps(merged))
    return merged


def reset(account_sid: str) -> None:
    keys = [f"{PREFIX}controls:{account_sid}", f"{PREFIX}blocked:{account_sid}"]
    keys += [f"{PREFIX}next:{account_sid}:{kind}" for kind in ("429", "500")]
    r().delete(*keys)


def fail_next(account_sid: str, kind: str, count: int) -> None:
    """The next `count` sends answer `kind` ("429" or "500")."""
    r().set(f"{PREFIX}next:{account_sid}:{kind}", max(0, int(count)))


def take_failure(account_sid: str, kind: str) -> bool:
    """Consume one injected failure of `kind`, atomically across processes."""
    key = f"{PREFIX}next:{account_sid}:{kind}"
    left = r().decr(key)
    if left < 0:
        r().delete(key)
        return False
    return True


def send_state(account_sid: str, number: str) -> tuple[dict, dict[str, int], bool]:
    """Controls, injected failures left and whether `number` is blocked, in one round trip.

    A send needs all three; asking one by one was most of the sandbox's Redis time.
    """
    pipe = r().pipeline(transaction=False)
    pipe.get(f"{PREFIX}controls:{account_sid}")
    pipe.get(f"{PREFIX}next:{account_sid}:429")
    pipe.get(f"{PREFIX}next:{account_sid}:500")
    pipe.sismember(f"{PREFIX}blocked:{account_sid}", number)
    raw, n429, n500, is_blocked = pipe.execute()
    pending = {"429": int(n429 or 0), "500": int(n500 or 0)}
    return _with_defaults(raw), pending, bool(is_blocked)


def pending_failures(account_sid: str) -> dict[str, int]:
    return {
        kind: int(r().get(f"{PREFIX}next:{account_sid}:{kind}") or 0) for kind in ("429", "500")
    }


# Opt-outs ---------------------------------------------------------------------------


def block(account_sid: str, number: str) -> None:
    r().sadd(f"{PREFIX}blocked:{account_sid}", number)


def unblock(account_sid: str, number: str) -> None:
    r().srem(f"{PREFIX}blocked:{account_sid}", number)


def blocked(account_sid: str) -> list[str]:
    return sorted(r().smembers(f"{PREFIX}blocked:{account_sid}"))


# Messages ---------------------------------------------------------------------------


def save_message(message: dict) -> None:
    r().set(f"{PREFIX}msg:{message['sid']}", json.dumps(message), ex=MESSAGE_TTL)


def get_message(sid: str) -> dict | None:
    raw = r().get(f"{PREFIX}msg:{sid}")
    return json.loads(raw) if raw else None


def update_message(sid: str, change: Callable[[dict], None]) -> dict | None:
    """Apply `change` to the stored message atomically (WATCH/MULTI, retried on a
    conflict) and return the result; None if there is no such message. Two callbacks of
    one message run on different worker threads: a plain read-then-write let the
    slower "sent" overwrite a "delivered" saved in between."""
    key = f"{PREFIX}msg:{sid}"
    result: list[dict | None] = [None]

    def attempt(pipe) -> None:
        raw = pipe.get(key)
        if not raw:
            result[0] = None
            return
        message = json.loads(raw)
        change(message)
        pipe.multi()
        pipe.set(key, json.dumps(message), ex=MESSAGE_TTL)
        result[0] = message

    r().transaction(attempt, key)
    return result[0]


def _log_to_handset(pipe, number: str, sid: str) -> None:
    key = f"{PREFIX}handset:{number}"
    pipe.rpush(key, sid)
    pipe.ltrim(key, -HANDSET_LOG_LENGTH, -1)
    pipe.expire(key, MESSAGE_TTL)


def log_to_handset(number: str, sid: str) -> None:
    """Remember a message on a customer's phone, for the phone simulator page."""
    pipe = r().pipeline()
    _log_to_handset(pipe, number, sid)
    pipe.execute()


ACCOUNT_LOG_LENGTH = 20000


def save_sent(message: dict) -> None:
    """save_message, log_to_handset(message["to"]) and the account's own log (the
    Messages list reads it) for a new send, in one round trip."""
    key = f"{PREFIX}account-log:{message['account_sid']}"
    pipe = r().pipeline()
    pipe.set(f"{PREFIX}msg:{message['sid']}", json.dumps(message), ex=MESSAGE_TTL)
    _log_to_handset(pipe, message["to"], message["sid"])
    pipe.rpush(key, message["sid"])
    pipe.ltrim(key, -ACCOUNT_LOG_LENGTH, -1)
    pipe.expire(key, MESSAGE_TTL)
    pipe.execute()


def recent_messages(account_sid: str, *, number: str = "") -> list[dict]:
    """The account's messages, newest first: those to or from `number` (its handset's
    log), else the account's own log of sends."""
    key = f"{PREFIX}handset:{number}" if number else f"{PREFIX}account-log:{account_sid}"
    sids = list(reversed(r().lrange(key, 0, -1)))
    if not sids:
        return []
    raws = r().mget([f"{PREFIX}msg:{sid}" for sid in sids])
    return [json.loads(raw) for raw in raws if raw]


def handset_messages(number: str) -> list[dict]:
    """Everything a simulated phone sent and received, oldest first."""
    sids = r().lrange(f"{PREFIX}handset:{number}", 0, -1)
    return [m for sid in sids if (m := get_message(sid))]
