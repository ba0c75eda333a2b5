"""The workspace's time zone for the request, so times on agent pages read in its zone."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from inbox.models import Workspace


def activate_workspace_timezone(workspace: Workspace) -> None:
    """A bad zone name falls back to UTC rather than failing the page."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(workspace.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
