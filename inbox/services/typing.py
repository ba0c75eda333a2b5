"""Agent typing: shown to teammates at once, told to the customer at most every few seconds.

A burst of keystrokes must become a handful of provider calls, not one per key, so the
customer-facing signal is throttled per conversation through Redis (SET NX EX), which
also holds across several web processes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from inbox import jobs, realtime
from inbox.models import Conversation


def agent_typing(conversation: Conversation, user, *, is_typing: bool = True) -> bool:
    """Publish the agent's typing; returns True when the customer was told too."""
    realtime.typing_changed(
        conversation,
        who="agent",
        is_typing=is_typing,
        user_id=user.pk,
        name=user.get_full_name() or user.get_username(),
    )
    channel = conversation.channel
    if not is_typing or not channel.adapter.capabilities(channel).typing:
        return False
    key = f"typing-to-customer:{conversation.pk}"
    if not cache.add(key, 1, timeout=settings.TYPING_SIGNAL_INTERVAL_SECONDS):
        return False
    jobs.enqueue(jobs.SEND_TYPING, conversation.pk)
    return True
