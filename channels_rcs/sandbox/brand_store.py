"""The Business Communications sandbox's state, in Redis: brands, agents, their
verification and launch, tokens with the `businesscommunications` scope, and the clock.

Everything belongs to the service account (client_email) that created it, as a partner's
brands belong to the partner at Google. Pending verifications and launches carry the
sandbox-clock time at which they advance; the clock is real time plus an offset that a
test or a demo moves forward (`advance_clock`), so nothing waits on a wall clock.
"""

from __future__ import annotations

import json
import time

from .store import PREFIX as RBM_PREFIX
from .store import TOKEN_TTL, r

PREFIX = f"{RBM_PREFIX}bc:"
CALL_LOG_LENGTH = 200

# What POST /sandbox/rbm/businesscommunications/control may change, per service account.
DEFAULT_CONTROLS: dict = {
    "verification_delay_s": 60,  # requestVerification -> its outcome, on the sandbox clock
    "launch_delay_s": 120,  # requestLaunch -> each region's outcome (after verification)
    "verification_outcome": "VERIFICATION_STATE_VERIFIED",
    "launch_outcomes": {},  # {"/v1/regions/<id>": "LAUNCH_STATE_REJECTED", ...}
}

# RcsBusinessMessagingRegion entries regions.list answers (made up, in Google's shape).
REGIONS = [
    {
        "name": "/v1/regions/sandbox-us",
        "displayName": "Sandbox Mobile (US)",
        "managementType": "CARRIER_MANAGED",
    },
    {
        "name": "/v1/regions/sandbox-fi",
        "displayName": "Sandbox Telecom (Finland)",
        "managementType": "CARRIER_MANAGED",
    },
    {
        "name": "/v1/regions/sandbox-google",
        "displayName": "Google-managed (sandbox)",
        "managementType": "GOOGLE_MANAGED",
    },
]


def _get(key: str):
    raw = r().get(PREFIX + key)
    return json.loads(raw) if raw else None


def _set(key: str, value) -> None:
    r().set(PREFIX + key, json.dumps(value))


# Tokens ---------------------------------------------------------------------------------


def save_token(token: str, client_email: str) -> None:
    r().set(f"{PREFIX}token:{token}", client_email, ex=TOKEN_TTL)


def token_owner(token: str) -> str | None:
    return r().get(f"{PREFIX}token:{token}") if token else None


# Calls (so a test can prove that nothing was sent) ---------------------------------------


def log_call(client_email: str, method: str, path: str) -> None:
    key = f"{PREFIX}calls:{client_email}"
    pipe = r().pipeline()
    pipe.rpush(key, f"{method} {path}")
    pipe.ltrim(key, -CALL_LOG_LENGTH, -1)
    pipe.execute()


def calls(client_email: str) -> list[str]:
    return r().lrange(f"{PREFIX}calls:{client_email}", 0, -1)


# Controls and the clock -----------------------------------------------------------------


def controls(client_email: str) -> dict:
    return {**DEFAULT_CONTROLS, **(_get(f"controls:{client_email}") or {})}


def set_controls(client_email: str, **values) -> dict:
    unknown = set(values) - set(DEFAULT_CONTROLS)
    if unknown:
        raise ValueError(f"unknown sandbox control(s): {', '.join(sorted(unknown))}")
    merged = {**controls(client_email), **values}
    _set(f"controls:{client_email}", merged)
    return merged


def now(client_email: str) -> float:
    """The sandbox clock of this service account: real time plus what tests advanced."""
    return time.time() + float(r().get(f"{PREFIX}clock:{client_email}") or 0)


def advance_clock(client_email: str, seconds: float) -> float:
    r().incrbyfloat(f"{PREFIX}clock:{client_email}", float(seconds))
    return now(client_email)


def reset(client_email: str) -> None:
    r().delete(f"{PREFIX}controls:{client_email}", f"{PREFIX}clock:{client_email}")


# Resources ------------------------------------------------------------------------------


def save_brand(brand: dict, owner: str) -> None:
    _set(f"brand:{brand['name']}", {"brand": brand, "owner": owner})


def brand(name: str) -> tuple[dict, str] | None:
    row = _get(f"brand:{name}")
    return (row["brand"], row["owner"]) if row else None


def save_agent(agent: dict, owner: str) -> None:
    _set(f"agent:{agent['name']}", {"agent": agent, "owner": owner})


def agent(name: str) -> tuple[dict, str] | None:
    row = _get(f"agent:{name}")
    return (row["agent"], row["owner"]) if row else None


def save_verification(agent_name: str, verification: dict) -> None:
    _set(f"verification:{agent_name}", verification)


def verification(agent_name: str) -> dict | None:
    return _get(f"verification:{agent_name}")


def save_launch(agent_name: str, launch: dict) -> None:
    _set(f"launch:{agent_name}", launch)


def launch(agent_name: str) -> dict | None:
    return _get(f"launch:{agent_name}")
