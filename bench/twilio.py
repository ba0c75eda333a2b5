"""Twilio-shaped inbound webhooks, signed per shared/specs/sms.md section 2.6.

Written independently of channels_sms.signature on purpose: if the two disagree, the
benchmark sees 403s instead of silently agreeing with a bug.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

# From the spec's test vectors (twilio-python's own tests).
_VECTOR_TOKEN = "12345"
_VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
_VECTOR_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
_VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def sign(auth_token: str, url: str, params: dict[str, str]) -> str:
    """base64(HMAC-SHA1(token, url + name1 + value1 + ...)) with names in code-point order."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def check_vector() -> None:
    got = sign(_VECTOR_TOKEN, _VECTOR_URL, _VECTOR_PARAMS)
    if got != _VECTOR_SIGNATURE:
        raise AssertionError(f"signature vector mismatch: {got} != {_VECTOR_SIGNATURE}")


def inbound_params(
    *, account_sid: str, sid: str, sender: str, to: str, body: str
) -> dict[str, str]:
    """The parameter set Twilio posts for an inbound SMS (spec section 2.3)."""
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "US",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def raw_request(host: str, path: str, body: str, signature: str | None) -> bytes:
    """One complete HTTP/1.1 keep-alive request, ready to write to a socket."""
    payload = body.encode()
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(payload)}",
        "User-Agent: TwilioProxy/1.1",
    ]
    if signature is not None:
        lines.append(f"X-Twilio-Signature: {signature}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def build_requests(
    *,
    host: str,
    path: str,
    public_url: str,
    auth_token: str,
    account_sid: str,
    to: str,
    sid_prefix: str,
    count: int,
    senders: int,
    signed: bool = True,
) -> list[bytes]:
    """Unique MessageSids, senders spread over a pool (one conversation per sender)."""
    out = []
    for i in range(count):
        sid = f"SM{sid_prefix}{i:012d}"[:34]
        sender = f"+1415{2_000_000 + i % senders:07d}"
        params = inbound_params(
            account_sid=account_sid, sid=sid, sender=sender, to=to, body=f"bench message {i}"
        )
        signature = sign(auth_token, public_url, params) if signed else None
        out.append(raw_request(host, path, urlencode(params), signature))
    return out
