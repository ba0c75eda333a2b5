"""Dispatch: an event becomes one delivery per subscribed webhook, sent with retries.

An event becomes one WebhookDelivery row per subscribed webhook with its body frozen; a
Celery task claims it by pushing `next_attempt_at` forward (a lease), posts it with the
process's shared httpx client, signed (signing.py), and records the outcome. Anything but
a 2xx is retried with exponential backoff and jitter until WEBHOOK_MAX_ATTEMPTS; a beat
sweep re-enqueues due rows, so a lost task only delays a delivery.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inbox import jobs
from inbox.address_guard import UnsafeTarget
from inbox.http import shared_client
from workspace_settings.models import DeliveryStatus, OutboundWebhook, WebhookDelivery

from . import subscriptions
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

# The task's registered name (outbound_webhooks/tasks.py), kept from when it lived in
# workspace_settings: deliveries already in the broker are sent by that name.
DELIVER_WEBHOOK = "workspace_settings.tasks.deliver_webhook"

log = logging.getLogger(__name__)

LEASE_SECONDS = 60


def _setting(name: str, default):
    return getattr(settings, name, default)


def emit(workspace_id: int, event: str, data: dict) -> list[WebhookDelivery]:
    """Queue `event` for every active webhook of the workspace subscribed to it.

    Most workspaces have no webhook for most events: the cached subscription set answers
    that without a query (see subscriptions.py for how fresh it is).
    """
    if not subscriptions.wants(workspace_id, event):
        return []
    webhooks = list(
        OutboundWebhook.objects.filter(
            workspace_id=workspace_id, is_active=True, events__contains=[event]
        )
    )
    if not webhooks:
        return []
    now = timezone.now()
    deliveries = []
    for webhook in webhooks:
        delivery = WebhookDelivery(
            webhook=webhook, event=event, created_at=now, next_attempt_at=now
        )
        delivery.body = json.dumps(
            {
                "id": str(delivery.id),
                "event": event,
                "created_at": now.isoformat(),
                "workspace_id": workspace_id,
                "data": data,
            },
            separators=(",", ":"),
            default=str,
        )
        deliveries.append(delivery)
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            enqueue(delivery.pk)
    return deliveries


def enqueue(delivery_id, countdown: float = 0) -> None:
    """Deliver after commit, asked for by task name (the tasks import this module)."""
    jobs.enqueue_on_commit(DELIVER_WEBHOOK, str(delivery_id), countdown=countdown)


def backoff_seconds(attempt: int) -> float:
    """Exponential with jitter: base * 2^(attempt-1), capped, then 50-100% of it."""
    base = float(_setting("WEBHOOK_RETRY_BASE_SECONDS", 30))
    cap = float(_setting("WEBHOOK_RETRY_MAX_SECONDS", 3600))
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.5, 1.0)


def _claim(delivery_id) -> WebhookDelivery | None:
    """Take the delivery for one attempt, or None when it is not due (or someone has it)."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=LEASE_SECONDS))
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


def deliver(delivery_id) -> str:
    """One attempt; returns the resulting status ("pending" when a retry is scheduled)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    webhook = delivery.webhook
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "omnichannel-inbox-webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
    }
    timeout = float(_setting("WEBHOOK_TIMEOUT_SECONDS", 10))
    status_code, error = None, ""
    try:
        # The shared client checks the address again as it connects, not only when the
        # URL was saved: the host's DNS may point inside since.
        response = shared_client().post(webhook.url, content=body, headers=headers, timeout=timeout)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}: {response.text[:200]}"
    except UnsafeTarget as exc:
        error = f"Refused: {exc}"[:300]
    except httpx.HTTPError as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:300]
    now = timezone.now()
    delivery.response_status = status_code
    delivery.error = error[:300]
    if not error:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= int(_setting("WEBHOOK_MAX_ATTEMPTS", 8)):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        wait = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    delivery.save(
        update_fields=["response_status", "error", "status", "delivered_at", "next_attempt_at"]
    )
    if delivery.status == DeliveryStatus.PENDING:
        enqueue(delivery.pk, countdown=(delivery.next_attempt_at - now).total_seconds())
    return delivery.status


def due_deliveries(limit: int = 500) -> list:
    """Pending deliveries whose time has come (their task was lost or is late)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def redeliver(delivery: WebhookDelivery, actor) -> None:
    """An admin's "send again" on a failed delivery: a fresh round of attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue(delivery.pk)
