"""Read models for the agent surfaces: a bounded number of queries whatever the list size."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone

from inbox import access, services
from inbox.models import Conversation, Message, Workspace

from .filters import ConversationFilters

LIST_LIMIT = 50
THREAD_LIMIT = 100


def conversation_rows(
    workspace: Workspace, user, filters: ConversationFilters, limit: int = LIST_LIMIT
) -> list[Conversation]:
    """The newest conversations matching `filters`, each with `.unread` for this user."""
    rows = list(
        filters.apply(access.conversations(workspace), user)
        .select_related("contact", "channel", "assignee")
        .prefetch_related("contact__identities")[:limit]
    )
    unread = services.unread_counts(rows, user) if rows else {}
    for row in rows:
        row.unread = unread.get(row.pk, 0)
    return rows


def thread_messages(conversation: Conversation, limit: int = THREAD_LIMIT) -> list[Message]:
    """The latest `limit` messages, oldest first (how a thread reads)."""
    latest = (
        access.messages(conversation.workspace)
        .filter(conversation=conversation)
        .select_related("author_user", "channel", "fallback_from")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(latest))


def activate_workspace_timezone(workspace: Workspace) -> None:
    """Times on agent pages read in the workspace's zone (a bad name falls back to UTC)."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(workspace.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
