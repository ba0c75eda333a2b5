"""The database half of matching: structural triggers and a rule's conditions, checked
by the task for the candidates the in-memory match listed (automations.matching)."""

from __future__ import annotations

from inbox.models import Direction, Message
from inbox.selectors.campaign_attribution import campaign_recipient_for_reply
from inbox.services.business_hours import is_open, schedule_for

from ..models import AutomationRule, Trigger


def trigger_holds(rule: AutomationRule, message: Message, context: dict) -> bool:
    if rule.trigger == Trigger.NEW_CONVERSATION:
        return not Message.objects.filter(
            conversation_id=message.conversation_id,
            direction=Direction.INBOUND,
            created_at__lt=message.created_at,
        ).exists()
    if rule.trigger == Trigger.OUT_OF_HOURS:
        return not _open(message, context)
    if rule.trigger == Trigger.CAMPAIGN_REPLY:
        return _recipient(message, context) is not None
    return True  # postback and keyword: matched in memory already


def conditions_hold(rule: AutomationRule, message: Message, context: dict) -> bool:
    conditions = rule.conditions or {}
    channel_ids = conditions.get("channel_ids")
    if channel_ids and message.channel_id not in channel_ids:
        return False
    label_ids = conditions.get("label_ids")
    if label_ids:
        conversation = message.conversation
        if not (
            conversation.labels.filter(pk__in=label_ids).exists()
            or conversation.contact.labels.filter(pk__in=label_ids).exists()
        ):
            return False
    attribute = conditions.get("attribute")
    if attribute:
        have = (message.conversation.contact.attributes or {}).get(attribute["key"])
        if have is None or str(have).strip().casefold() != attribute["value"].casefold():
            return False
    hours = conditions.get("business_hours")
    if hours:
        return _open(message, context) == (hours == "open")
    return True


def _open(message: Message, context: dict) -> bool:
    if "open" not in context:
        workspace = message.conversation.workspace
        context["open"] = is_open(schedule_for(workspace), message.created_at)
    return context["open"]


def _recipient(message: Message, context: dict):
    if "recipient" not in context:
        # The funnel's own attribution: the same window and rules its figures use.
        context["recipient"] = campaign_recipient_for_reply(message)
    return context["recipient"]


def campaign_of(message: Message, context: dict):
    """The campaign the message answers (for a conversion), or None."""
    recipient = _recipient(message, context)
    return recipient.campaign if recipient is not None else None
