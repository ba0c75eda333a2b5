"""Celery tasks of outbound webhooks: one delivery attempt, and the sweep (thin)."""

from __future__ import annotations

from celery import shared_task

from . import dispatch

# Both keep the names they had in workspace_settings.tasks: deliveries already in the broker
# (a retry waits up to an hour) and beat's schedule call them by name.


@shared_task(name=dispatch.DELIVER_WEBHOOK, acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: str) -> str:
    return dispatch.deliver(delivery_id)


@shared_task(name="workspace_settings.tasks.sweep_webhook_deliveries", ignore_result=True)
def sweep_webhook_deliveries() -> int:
    due = dispatch.due_deliveries()
    for delivery_id in due:
        deliver_webhook.delay(str(delivery_id))
    return len(due)
