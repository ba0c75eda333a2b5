"""API tokens: the raw value is shown once; only its sha256 is stored and looked up."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from inbox.models import ApiToken, Membership, Workspace
from inbox.models.api_token import hash_token

# Recognisable in logs and secret scanners, never enough to authenticate.
TOKEN_PREFIX = "inbx_"
PREFIX_LENGTH = 12
# last_used_at is for humans auditing tokens; a write per request would be waste.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def create_api_token(user, workspace: Workspace, name: str = "default") -> tuple[ApiToken, str]:
    """A new token for `user` in `workspace`; returns the row and the raw value (shown once).

    Raises ValueError when the user is not a member: a token must never widen access.
    """
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise ValueError(f"user {user.get_username()!r} is not a member of {workspace.slug!r}")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=name or "default",
        key_hash=hash_token(raw),
        prefix=raw[:PREFIX_LENGTH],
    )
    return token, raw


def authenticate(raw: str) -> ApiToken | None:
    """The live token behind `raw`, or None.

    A token stops working when revoked, when its user is deactivated, or when the user
    leaves the workspace, all checked in the one lookup query.
    """
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
            user__is_active=True,
            user__memberships__workspace=F("workspace"),
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        # Conditional so concurrent requests write at most once per window.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_GRANULARITY)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke_api_token(token: ApiToken) -> None:
    """Stop a token for good; the row stays so audits can still name it."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
