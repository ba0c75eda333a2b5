"""The first run: a setup token printed at start guards the page that makes the first
workspace, as self-hosted tools print their initial root password.

The token exists only while no workspace does. Each web process that starts then prints
its own and stores the hash, so any process accepts any printed token; creating the first
workspace (here, by the command or by an operator) closes the page for good.
"""

from __future__ import annotations

import hmac
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from inbox.models import Workspace
from inbox.services.workspaces import WorkspaceCreated, WorkspaceError, create_workspace
from operators.models import SetupToken, hash_secret


def setup_pending() -> bool:
    """True while the installation has no workspace: '/' leads to the setup page."""
    return not Workspace.objects.exists()


def issue_setup_token() -> str | None:
    """A new setup token (stored hashed), or None once a workspace exists."""
    if not setup_pending():
        return None
    raw = secrets.token_urlsafe(24)
    SetupToken.objects.create(token_hash=hash_secret(raw))
    return raw


def token_is_valid(raw: str) -> bool:
    if not raw or not setup_pending():
        return False
    wanted = hash_secret(raw.strip())
    # The hash is looked up, then compared in constant time for good measure.
    stored = SetupToken.objects.filter(token_hash=wanted).values_list("token_hash", flat=True)
    return any(hmac.compare_digest(wanted, value) for value in stored)


def complete_setup(*, token: str, **workspace_fields) -> WorkspaceCreated:
    """Create the first workspace and its admin (with the password they chose), then
    forget every setup token. Raises WorkspaceError for a wrong or spent token."""
    with transaction.atomic():
        # One setup at a time: the second of two racing forms finds a workspace and stops.
        list(SetupToken.objects.select_for_update().all())
        if not token_is_valid(token):
            raise WorkspaceError(_("setup token: wrong, or the first workspace already exists"))
        created = create_workspace(**workspace_fields)
        SetupToken.objects.all().delete()
    return created


def forget_setup_tokens() -> None:
    """Called when a workspace is made another way (the command, the operators' page)."""
    SetupToken.objects.all().delete()
