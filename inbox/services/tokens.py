"""API tokens: the raw value is shown once; only its sha256 is stored and looked up."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import ApiToken, Membership, Role, Workspace
from inbox.models.api_token import TokenScope, default_scopes, hash_token

# Recognisable in logs and secret scanners, never enough to authenticate.
TOKEN_PREFIX = "inbx_"
PREFIX_LENGTH = 12
# last_used_at is for humans auditing tokens; a write per request would be waste.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenError(ValueError):
    """A token that must not be issued; the message says why, for a person to read."""


def _clean_scopes(scopes: Iterable[str] | None) -> list[str]:
    if scopes is None:
        return default_scopes()
    chosen = set(scopes)
    unknown = chosen - set(TokenScope.values)
    if unknown:
        raise TokenError(f"unknown scope(s): {', '.join(sorted(unknown))}")
    if not chosen:
        raise TokenError(_("a token needs at least one scope"))
    # Stored in a fixed order so audits and listings read the same for every token.
    return [scope for scope in TokenScope.values if scope in chosen]


def create_api_token(
    user,
    workspace: Workspace,
    name: str = "default",
    *,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` in `workspace`; returns the row and the raw value (shown once).

    `scopes` defaults to read + send (what tokens could do before scopes existed). Raises
    TokenError when the user is not an active member, when `admin` is asked for a
    non-admin, or when the expiry is already past: a token must never widen access.
    """
    membership = Membership.objects.filter(user=user, workspace=workspace, is_active=True).first()
    if membership is None:
        raise TokenError(f"user {user.get_username()!r} is not a member of {workspace.slug!r}")
    chosen = _clean_scopes(scopes)
    if TokenScope.ADMIN in chosen and membership.role != Role.ADMIN:
        raise TokenError(_("only a workspace admin can hold a token with the admin scope"))
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("the expiry must be in the future"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=name or "default",
        key_hash=hash_token(raw),
        prefix=raw[:PREFIX_LENGTH],
        scopes=chosen,
        expires_at=expires_at,
    )
    return token, raw


def authenticate(raw: str) -> ApiToken | None:
    """The live token behind `raw`, or None.

    A token stops working when revoked, when it expires, when its user is deactivated
    (site-wide or in the token's workspace), when the user leaves the workspace, or while
    an operator has the workspace suspended (as its members cannot sign in), all checked
    in the one lookup query. An admin-scoped token whose holder is no longer an
    admin keeps only what a member could do with read + send.
    """
    if not raw:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(
            # One filter() call, so both conditions hold on the same membership row.
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
            workspace__suspended_at__isnull=True,
            user__is_active=True,
            user__memberships__workspace=F("workspace"),
            user__memberships__is_active=True,
        )
        .annotate(member_role=F("user__memberships__role"))
        .first()
    )
    if token is None:
        return None
    if TokenScope.ADMIN in token.scopes and token.member_role != Role.ADMIN:
        token.scopes = default_scopes()
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
