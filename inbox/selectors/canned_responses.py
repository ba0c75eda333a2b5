"""The canned responses the composer's "/" picker offers."""

from __future__ import annotations

from django.db.models import Q

from inbox.models import CannedResponse, Workspace

CANNED_LIMIT = 8


def canned_responses_matching(
    *, workspace: Workspace, query: str, limit: int = CANNED_LIMIT
) -> list[CannedResponse]:
    """By shortcut, those whose shortcut or title contains `query` (all when it is empty)."""
    found = CannedResponse.objects.filter(workspace=workspace)
    if query:
        found = found.filter(Q(shortcut__icontains=query) | Q(title__icontains=query))
    return list(found.order_by("shortcut")[:limit])
