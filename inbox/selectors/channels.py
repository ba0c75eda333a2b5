"""The channels the composer offers for a reply in one conversation."""

from __future__ import annotations

from django.db.models import Q

from inbox import access
from inbox.models import Channel, Conversation, Workspace


def reply_channels(*, workspace: Workspace, conversation: Conversation) -> list[Channel]:
    """Channels an agent may pick; the conversation's own stays listed even if disabled."""
    return list(
        access.channels(workspace)
        .filter(Q(is_active=True) | Q(pk=conversation.channel_id))
        .order_by("name", "pk")
    )
