"""Meta's webhook signature: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, body).

Graph API webhooks (developers.facebook.com/docs/graph-api/webhooks/getting-started,
"Event Notifications": "Validate Payloads") sign the raw request body with the app secret.
The same function signs the sandbox's posts and verifies ours, so a test that passes
through the sandbox exercises the production check.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(app_secret: str, header: str, body: bytes) -> bool:
    """Constant-time comparison; an empty secret or header never verifies."""
    if not app_secret or not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(app_secret, body).lower(), header.strip().lower())
