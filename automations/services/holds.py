"""Conversations a person has: automation stays silent on them until they are resolved.

A hold is written when a rule hands off (or a webhook fails and hands off) and when an
agent replies; resolving the conversation lifts it (automations.receivers), so the
next time the customer writes, automation answers again.
"""

from __future__ import annotations

from inbox.models import Conversation

from ..models import AutomationHold, HoldReason


def hold(conversation: Conversation, reason: str) -> None:
    """Silence automation on `conversation` (a second hold keeps the first reason)."""
    AutomationHold.objects.get_or_create(conversation=conversation, defaults={"reason": reason})


def release(conversation: Conversation) -> None:
    AutomationHold.objects.filter(conversation=conversation).delete()


def is_held(conversation_id: int) -> bool:
    return AutomationHold.objects.filter(conversation_id=conversation_id).exists()


def hand_off(conversation: Conversation) -> None:
    hold(conversation, HoldReason.HANDED_OFF)


def agent_replied(conversation: Conversation) -> None:
    hold(conversation, HoldReason.AGENT_REPLIED)
