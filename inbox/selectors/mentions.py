"""Mentions as the agent sees them: the top bar's unseen count and the "@" picker's list."""

from __future__ import annotations

from inbox.models import Membership, Mention

MENTION_CANDIDATE_LIMIT = 8


def unseen_mentions(*, user, workspace_id: int) -> int:
    return Mention.objects.filter(
        user=user, seen_at__isnull=True, message__workspace_id=workspace_id
    ).count()


def mention_candidates(
    *, workspace_id: int, query: str, limit: int = MENTION_CANDIDATE_LIMIT
) -> list:
    """Active members whose username or name starts with `query`: the "@" picker's list.
    Only the workspace's own members, so the picker reveals nobody else."""
    query = query.strip().lstrip("@").lower()
    members = (
        Membership.objects.filter(workspace_id=workspace_id, is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    found = []
    for member in members:
        user = member.user
        words = [user.username, user.first_name, user.last_name]
        if not query or any(w.lower().startswith(query) for w in words if w):
            found.append(user)
        if len(found) == limit:
            break
    return found
