"""The inbox's after-commit signals -> automations.

- An inbound message created: match it in memory against the workspace's compiled rules
  and, only when some rule may fire, ask a worker to run them. This is the whole cost
  automations add to applying an inbound message (bench/automations/).
- An agent's reply: automation goes silent on the conversation until it is resolved.
- A conversation resolved: automation may answer it again.
- A rule saved or deleted by any path: every process's compiled rules are refreshed.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from inbox import signals
from inbox.models import Author, ConversationStatus, Direction

from . import rule_cache
from .models import AutomationRule
from .services import holds, run_queue


@receiver(signals.message_changed)
def on_message_changed(sender, message, created: bool = False, **kwargs) -> None:
    if not created:
        return
    if message.direction == Direction.INBOUND:
        rules = rule_cache.rules_for(message.workspace_id)
        if not rules:
            return
        candidates = rules.candidates(
            message.content or {}, message.text, channel_id=message.channel_id
        )
        if candidates:
            run_queue.request_run(message, candidates)
    elif (
        message.direction == Direction.OUTBOUND
        and message.author == Author.AGENT
        and rule_cache.rules_for(message.workspace_id)  # no rules: nothing to silence
    ):
        holds.agent_replied(message.conversation)


@receiver(signals.conversation_status_changed)
def on_status_changed(sender, conversation, **kwargs) -> None:
    if conversation.status == ConversationStatus.RESOLVED:
        holds.release(conversation)


@receiver(post_save, sender=AutomationRule)
@receiver(post_delete, sender=AutomationRule)
def on_rule_changed(sender, instance: AutomationRule, **kwargs) -> None:
    rule_cache.forget(instance.workspace_id)
