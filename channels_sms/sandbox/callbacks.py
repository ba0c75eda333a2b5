"""Status callbacks the sandbox sends after accepting a message, signed like Twilio's.

Twilio sends no callback for the initial status ("queued" in the 201 body), then "sent"
and a final "delivered" / "undelivered" / "failed". The plan is computed once from the
message's magic number and the account's controls, so a test can fire it in-process.

The StatusCallback URL is whatever the API caller sent, so every post goes through the
guarded shared client (inbox/http.py), which connects only to addresses that pass the
address guard: otherwise any sandbox account could make this server POST into its own
network (SSRF). The built-in inbox's own webhooks on loopback are reached through the
operator's allow-list, which `make run` and the test suite set.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx

from channels_sms.signature import HEADER, sign, with_port
from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client

from . import accounts, magic, store

log = logging.getLogger(__name__)

Step = tuple[str, int]  # (Twilio status, error code or 0)
_RANK = {"queued": 0, "accepted": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3}
_RANK["failed"] = 3


def plan(message: dict, controls: dict) -> list[Step]:
    """The callbacks one message gets, in the order they are posted."""
    special = magic.behaviour(message["to"])
    failure = (special.async_status, special.code) if special.async_status else None
    if not failure and controls.get("async_error"):
        spec = controls["async_error"]
        failure = (spec.get("status", "undelivered"), int(spec.get("code", 30008)))
    if failure and failure[0] == "failed":
        steps: list[Step] = [failure]
    elif failure:
        steps = [("sent", 0), failure]
    else:
        steps = [("sent", 0), ("delivered", 0)]
    if special.out_of_order or controls.get("out_of_order"):
        steps.reverse()
    if special.duplicate or controls.get("duplicate_callbacks"):
        steps = [step for step in steps for _ in range(2)]
    return steps


def params_for(message: dict, status: str, error_code: int, controls: dict) -> dict[str, str]:
    """The §2.4 parameter set Twilio posts for one status."""
    params = {
        "MessageSid": message["sid"],
        "SmsSid": message["sid"],
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": message["account_sid"],
        "From": message["from"],
        "To": message["to"],
        "ApiVersion": "2010-04-01",
    }
    if message.get("messaging_service_sid"):
        params["MessagingServiceSid"] = message["messaging_service_sid"]
    if error_code and status in ("undelivered", "failed"):
        params["ErrorCode"] = str(error_code)
    if status in ("delivered", "undelivered") and controls.get("raw_dlr_done_date"):
        params["RawDlrDoneDate"] = datetime.now(UTC).strftime("%y%m%d%H%M")
    return params


def post(message_sid: str, status: str, error_code: int = 0, *, client=None) -> int | None:
    """Post one signed callback over real HTTP; the inbox's HTTP status (None if unreachable
    or refused by the address guard).

    The sandbox's own record moves to the status too, so the phone simulator and
    GET Messages/{sid}.json show what the provider believes. `client`: the caller's own
    transport (the in-process tests), which reaches no network and so needs no guard.
    """

    def advance(message: dict) -> None:
        if _RANK.get(status, 0) >= _RANK.get(message.get("status"), 0):
            message["status"] = status
        if status in ("sent", "delivered", "undelivered") and not message.get("date_sent"):
            message["date_sent"] = format_datetime(datetime.now(UTC))  # as Twilio fills it
        if error_code:
            message["error_code"] = error_code

    message = store.update_message(message_sid, advance)
    if message is None:
        log.warning("sandbox: no message %s for a status callback", message_sid)
        return None
    url = message.get("status_callback")
    if not url:
        return None
    controls = store.controls(message["account_sid"])
    params = params_for(message, status, error_code, controls)
    signed_url = with_port(url) if controls.get("sign_with_port") else url
    token = accounts.token_for(message["account_sid"]) or ""
    headers = {HEADER: sign(token, signed_url, params), "User-Agent": "TwilioProxy/1.1"}
    try:
        if client is not None:
            return client.post(url, data=params, headers=headers).status_code
        return shared_client().post(url, data=params, headers=headers, timeout=10.0).status_code
    except UnsafeTarget as exc:
        log.warning("sandbox: status callback to %s refused: %s", url, exc)
        return None
    except httpx.HTTPError as exc:
        log.warning("sandbox: status callback to %s failed: %s", url, exc)
        return None


def fire(message_sid: str, *, client=None) -> list[int | None]:
    """Post a message's whole plan now, in this process (tests, the phone simulator)."""
    message = store.get_message(message_sid)
    if message is None:
        raise LookupError(f"sandbox has no message {message_sid}")
    steps = plan(message, store.controls(message["account_sid"]))
    return [post(message_sid, status, code, client=client) for status, code in steps]
