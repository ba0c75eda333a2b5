"""A conversation's thread as the agent reads it, and the status changes it recorded."""

from __future__ import annotations

from inbox import access
from inbox.models import Conversation, Direction, Message, Workspace

THREAD_LIMIT = 100
STATUS_HISTORY_LIMIT = 10


def thread_messages(
    *, conversation: Conversation, workspace: Workspace | None = None, limit: int = THREAD_LIMIT
) -> list[Message]:
    """The latest `limit` messages, oldest first (how a thread reads). A caller that has
    the conversation's workspace at hand passes it (one query fewer)."""
    if workspace is None or workspace.pk != conversation.workspace_id:
        workspace = conversation.workspace
    latest = (
        access.messages(workspace)
        .filter(conversation=conversation)
        # campaign_reply: the badge on a customer message that answers a campaign.
        .select_related("author_user", "channel", "fallback_from", "campaign_reply__campaign")
        .order_by("-created_at", "-pk")[:limit]
    )
    return list(reversed(latest))


def status_history(
    *, workspace: Workspace, conversation: Conversation, limit: int = STATUS_HISTORY_LIMIT
) -> list[Message]:
    """The system lines that recorded status changes (resolved, reopened, snoozed), newest
    first: the side panel's "earlier resolutions"."""
    return list(
        access.messages(workspace)
        .filter(conversation=conversation, direction=Direction.INTERNAL, author="system")
        .filter(content__event="status")
        .select_related("author_user")
        .order_by("-created_at")[:limit]
    )
