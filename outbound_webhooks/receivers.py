"""Domain signals -> outbound webhook events (signals arrive after commit).

Webhook saves and deletes (any path, cascades included) refresh the subscription cache
emit() consults.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from inbox import signals
from inbox.models import ConversationStatus
from workspace_settings.models import OutboundWebhook, WebhookEvent

from . import subscriptions
from .dispatch import emit


def _message_data(message) -> dict:
    return {
        "message": {
            "id": str(message.pk),
            "conversation_id": message.conversation_id,
            "channel_id": message.channel_id,
            "direction": message.direction,
            "author": message.author,
            "status": message.status,
            "text": message.text,
            "error_code": message.error_code,
            "error_message": message.error_message,
            "created_at": message.created_at,
        }
    }


def _conversation_data(conversation, **extra) -> dict:
    return {
        "conversation": {
            "id": conversation.pk,
            "status": conversation.status,
            "channel_id": conversation.channel_id,
            "contact_id": conversation.contact_id,
            "team_id": conversation.team_id,
            "assignee_id": conversation.assignee_id,
            **extra,
        }
    }


@receiver(signals.message_changed)
def on_message_changed(sender, message, created: bool = False, **kwargs) -> None:
    event = WebhookEvent.MESSAGE_CREATED if created else WebhookEvent.MESSAGE_STATUS_CHANGED
    emit(message.workspace_id, event, _message_data(message))


@receiver(signals.conversation_assigned)
def on_conversation_assigned(sender, conversation, previous_assignee_id=None, **kwargs) -> None:
    emit(
        conversation.workspace_id,
        WebhookEvent.CONVERSATION_ASSIGNED,
        _conversation_data(conversation, previous_assignee_id=previous_assignee_id),
    )


@receiver(signals.conversation_status_changed)
def on_conversation_status_changed(sender, conversation, previous_status="", **kwargs) -> None:
    if conversation.status == ConversationStatus.RESOLVED:
        emit(
            conversation.workspace_id,
            WebhookEvent.CONVERSATION_RESOLVED,
            _conversation_data(conversation, previous_status=previous_status),
        )


@receiver(post_save, sender=OutboundWebhook)
@receiver(post_delete, sender=OutboundWebhook)
def on_webhook_changed(sender, instance: OutboundWebhook, **kwargs) -> None:
    subscriptions.forget(instance.workspace_id)
