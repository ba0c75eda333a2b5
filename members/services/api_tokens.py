"""API tokens from the settings page: inbox.services.tokens plus the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from inbox.models import ApiToken, Workspace
from inbox.services import audit, tokens


def create(
    workspace: Workspace,
    actor,
    name: str,
    *,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A token acting as `actor`; the raw value is returned once and never audited.

    Raises tokens.TokenError (scopes the actor may not hold, an expiry in the past).
    """
    with transaction.atomic():
        token, raw = tokens.create_api_token(
            actor, workspace, name=name, scopes=scopes, expires_at=expires_at
        )
        audit.record(
            workspace,
            actor,
            "api_token.created",
            token,
            after={
                "name": token.name,
                "prefix": token.prefix,
                "user": actor.get_username(),
                "scopes": token.scopes,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            },
            target_label=token.name,
        )
    return token, raw


def revoke(token: ApiToken, actor) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        tokens.revoke_api_token(token)
        audit.record(
            token.workspace,
            actor,
            "api_token.revoked",
            token,
            before={"name": token.name, "prefix": token.prefix, "revoked": False},
            after={"revoked": True},
            target_label=token.name,
        )
