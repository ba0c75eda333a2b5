"""Which AccountSid/AuthToken pairs the sandbox accepts, and helpers to make new ones.

Two sources, checked in order:
1. an explicit registry in Redis (`register_account`), for a sandbox used on its own;
2. the SMS channels configured in this installation: a channel whose account_sid matches
   and whose auth token matches is, by construction, an account "opened at" this sandbox.
The second is read-only and keeps the sandbox working with zero setup (a channel created
in the admin UI works at once, survives a Redis flush, and follows token changes), the
way a real provider's console knows its own customers' credentials.

An account belongs to one workspace (`owner_workspace_id`): the one it was opened for, or
else the workspace of the oldest channel that names it. Only that workspace's channels
lend it tokens, so an admin elsewhere who types the same AccountSid with a token of their
own cannot sign in as the account, read its messages, change its controls or have its
callbacks signed with their token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings

from . import store

VERIFIED_SECONDS = 30.0
_VERIFIED_MAX = 10_000
_verified: dict[tuple[str, bytes], float] = {}


def api_base_url() -> str:
    """The sandbox's Messages API root; a sandbox channel's api_base_url."""
    return f"{settings.PUBLIC_BASE_URL}/sandbox/twilio"


def new_account(*, workspace_id: int | None = None) -> tuple[str, str]:
    """A fresh, registered (AccountSid, AuthToken) pair in Twilio's formats, owned by
    `workspace_id` when given (else by the workspace of the first channel naming it)."""
    sid = "AC" + secrets.token_hex(16)
    token = secrets.token_hex(16)
    store.register_account(sid, token)
    if workspace_id is not None:
        store.bind_account(sid, workspace_id)
    return sid, token


def channel_config(
    from_number: str, *, mms: bool = False, workspace_id: int | None = None, **extra
) -> dict:
    """Config for services.create_channel(kind="sms") pointing at this sandbox."""
    sid, token = new_account(workspace_id=workspace_id)
    return {
        "account_sid": sid,
        "auth_token": token,
        "from_number": from_number,
        "api_base_url": api_base_url(),
        "mms": mms,
        **extra,
    }


def owner_workspace_id(account_sid: str) -> int | None:
    """The workspace the account belongs to; None while it has none.

    The workspace it was opened for (bound in the sandbox's store, for good), else the
    one whose channel names it longest, so a later channel elsewhere never takes it over.
    Not stored when derived: a workspace that dropped its channels lets the account go.
    """
    from inbox.models import Channel

    owner = store.account_workspace(account_sid)
    if owner is not None:
        return owner
    return (
        Channel.objects.filter(kind="sms", config__account_sid=account_sid)
        .order_by("pk")
        .values_list("workspace_id", flat=True)
        .first()
    )


def _channel_tokens(account_sid: str) -> list[str]:
    from inbox.models import Channel

    owner = owner_workspace_id(account_sid)
    if owner is None:
        return []
    channels = Channel.objects.filter(
        kind="sms", config__account_sid=account_sid, workspace_id=owner
    )
    return [c.secrets.get("auth_token", "") for c in channels]


def token_for(account_sid: str) -> str | None:
    """The token the sandbox signs this account's webhooks with."""
    return store.registered_token(account_sid) or next(iter(_channel_tokens(account_sid)), None)


def authenticate(account_sid: str, auth_token: str) -> bool:
    """Whether the pair is an account's; a pair that passed is trusted for a short while.

    Every send authenticates, and looking the token up (a Redis read, a Channel query, a
    decryption) cost more than the rest of the send. A pair that matched is remembered by
    this process (as a hash) for VERIFIED_SECONDS; anything else is looked up every time,
    so a new or rotated token works at once, and an old one stops working at most
    VERIFIED_SECONDS after it was replaced or its channel removed.
    """
    if not account_sid or not auth_token:
        return False
    key = (account_sid, hashlib.sha256(auth_token.encode()).digest())
    now = time.monotonic()
    verified_at = _verified.get(key)
    if verified_at is not None and now - verified_at < VERIFIED_SECONDS:
        return True
    candidates = [store.registered_token(account_sid), *_channel_tokens(account_sid)]
    if not any(c and hmac.compare_digest(c, auth_token) for c in candidates):
        return False
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[key] = now
    return True


def forget_verified() -> None:
    """Drop every remembered pair of this process (tests)."""
    _verified.clear()
