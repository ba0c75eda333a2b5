"""Customer messages into the inbox, as Twilio would post them (spec: sms.md section 2.3).

Used by the phone simulator, the demo and tests. The webhook goes over real HTTP to the
channel's public inbound URL with the full parameter set and a real signature, so
everything after it (verification, parsing, ingest, the TwiML ack) is the production path.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import phonenumbers

from channels_sms import keywords
from channels_sms.signature import HEADER, sign

from . import accounts, store

# What Twilio's default opt-out handling answers (and the sandbox shows on the phone).
AUTO_REPLIES = {
    "opt_out": (
        "You have successfully been unsubscribed. You will not receive any more messages "
        "from this number. Reply START to resubscribe."
    ),
    "opt_in": (
        "You have successfully been re-subscribed to messages from this number. "
        "Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
    ),
    "help": "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
}
_OPT_OUT_TYPE = {"opt_out": "STOP", "opt_in": "START", "help": "HELP"}


@dataclass(frozen=True)
class SimulatedInbound:
    message_sid: str
    status_code: int | None  # the inbox's answer (None: it could not be reached)
    response_text: str
    params: dict[str, str]


def _channel(channel_or_number):
    from inbox.models import Channel

    if isinstance(channel_or_number, Channel):
        return channel_or_number
    channel = Channel.objects.filter(
        kind="sms", is_active=True, config__from_number=str(channel_or_number)
    ).first()
    if channel is None:
        raise LookupError(f"no active SMS channel sends from {channel_or_number}")
    return channel


def _country(number: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        return ""


def _media_items(media: Iterable) -> list[tuple[str, str]]:
    """Accept URLs, (url, mime) pairs or {"url", "mime_type"} dicts."""
    items = []
    for item in media or ():
        if isinstance(item, str):
            items.append((item, "image/jpeg"))
        elif isinstance(item, dict):
            items.append((item["url"], item.get("mime_type") or "image/jpeg"))
        else:
            url, mime = item
            items.append((url, mime))
    return items


def inbound_params(
    *, account_sid: str, from_number: str, to_number: str, body: str, media=(), sid: str = ""
) -> dict[str, str]:
    """Twilio's full inbound parameter set for one message."""
    items = _media_items(media)
    sid = sid or ("MM" if items else "SM") + secrets.token_hex(16)
    params = {
        "ToCountry": _country(to_number),
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": str(len(items)),
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": _country(from_number),
        "To": to_number,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_number,
        "ApiVersion": "2010-04-01",
    }
    if body:
        from channels_sms.segments import count

        params["NumSegments"] = str(max(1, count(body).segments))
    for n, (url, mime) in enumerate(items):
        params[f"MediaUrl{n}"] = url
        params[f"MediaContentType{n}"] = mime
    return params


def _log(sid: str, account_sid: str, from_: str, to: str, body: str, direction: str, media=()):
    now = format_datetime(datetime.now(UTC))
    store.save_message(
        {
            "sid": sid,
            "account_sid": account_sid,
            "from": from_,
            "to": to,
            "body": body,
            "media_urls": [url for url, _ in _media_items(media)],
            "status": "received" if direction == "inbound" else "delivered",
            "num_segments": "1",
            "direction": direction,
            "date_created": now,
            "date_updated": now,
        }
    )


def _handle_keyword(account_sid: str, customer: str, our_number: str, body: str) -> str:
    """Twilio's opt-out handling: block list, auto-reply. Returns OptOutType or ""."""
    action = keywords.classify(body)
    if action is None:
        return ""
    if action == "opt_out":
        store.block(account_sid, customer)
    elif action == "opt_in":
        store.unblock(account_sid, customer)
    reply_sid = "SM" + secrets.token_hex(16)
    _log(reply_sid, account_sid, our_number, customer, AUTO_REPLIES[action], "outbound-reply")
    store.log_to_handset(customer, reply_sid)
    return _OPT_OUT_TYPE[action]


def simulate_inbound(
    channel_or_number,
    from_number: str,
    body: str = "",
    media=(),
    *,
    client: httpx.Client | None = None,
    extra_params: dict[str, str] | None = None,
) -> SimulatedInbound:
    """POST a correctly signed inbound webhook for a customer's message to the inbox.

    `channel_or_number` is an SMS Channel or its from_number. `media` takes URLs, (url,
    mime) pairs or dicts. STOP/START/HELP update the sandbox's block list and auto-reply,
    as Twilio does, and carry OptOutType when the account has Advanced Opt-Out on.
    """
    channel = _channel(channel_or_number)
    account_sid = channel.config["account_sid"]
    our_number = channel.config["from_number"]
    params = inbound_params(
        account_sid=account_sid,
        from_number=from_number,
        to_number=our_number,
        body=body,
        media=media,
    )
    sid = params["MessageSid"]
    _log(sid, account_sid, from_number, our_number, body, "inbound", media)
    store.log_to_handset(from_number, sid)
    opt_out_type = _handle_keyword(account_sid, from_number, our_number, body)
    if opt_out_type and store.controls(account_sid).get("advanced_opt_out"):
        params["OptOutType"] = opt_out_type
    params.update(extra_params or {})
    url = channel.adapter.webhook_urls(channel)["inbound"]
    token = accounts.token_for(account_sid) or channel.secrets.get("auth_token", "")
    headers = {HEADER: sign(token, url, params), "User-Agent": "TwilioProxy/1.1"}
    try:
        if client is not None:
            response = client.post(url, data=params, headers=headers)
        else:
            response = httpx.post(url, data=params, headers=headers, timeout=10.0)
    except httpx.HTTPError as exc:
        return SimulatedInbound(sid, None, str(exc), params)
    return SimulatedInbound(sid, response.status_code, response.text, params)
