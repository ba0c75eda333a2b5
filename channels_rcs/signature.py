"""X-Goog-Signature on RBM webhooks, shared by the adapter and the sandbox.

Google's webhooks guide and its Node.js sample: base64(HMAC-SHA512(clientToken, bytes)),
where the bytes are the decoded `message.data` of the Pub/Sub-style push (the only form
RBM posts). One implementation on both sides means the sandbox can only sign what RBM
signs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

HEADER = "X-Goog-Signature"


def sign(client_token: str, data: bytes) -> str:
    mac = hmac.new(client_token.encode("utf-8"), data, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode("ascii")


def is_valid(client_token: str, signature: str, data: bytes) -> bool:
    """Constant-time check; an empty token or signature never matches."""
    if not client_token or not signature:
        return False
    expected = sign(client_token, data).encode("ascii")
    return hmac.compare_digest(expected, signature.strip().encode("ascii", "replace"))
