"""How a delivery is signed: the headers, the HMAC over timestamp and body, new secrets.

Signature: header `X-Inbox-Signature: v1=<hex>` is HMAC-SHA256 with the webhook's secret
over `<X-Inbox-Timestamp>.<raw body>`. Covering the timestamp lets a receiver refuse
replays of an old request; covering the raw bytes means it must verify before parsing.
`X-Inbox-Delivery` (a UUID, the same on every retry) lets it drop duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as secrets_module

SIGNATURE_HEADER = "X-Inbox-Signature"
TIMESTAMP_HEADER = "X-Inbox-Timestamp"
DELIVERY_HEADER = "X-Inbox-Delivery"
EVENT_HEADER = "X-Inbox-Event"


def new_secret() -> str:
    return "whsec_" + secrets_module.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()
