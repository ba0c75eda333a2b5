"""Celery tasks of the settings area: webhook delivery and the routing sweep (thin)."""

from __future__ import annotations

from celery import shared_task

from inbox.services import routing

from .services import webhooks


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: str) -> str:
    return webhooks.deliver(delivery_id)


@shared_task(ignore_result=True)
def sweep_webhook_deliveries() -> int:
    due = webhooks.due_deliveries()
    for delivery_id in due:
        deliver_webhook.delay(str(delivery_id))
    return len(due)


@shared_task(ignore_result=True)
def reassign_offline_conversations() -> int:
    return routing.reassign_from_offline_agents()
