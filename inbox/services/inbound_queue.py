"""Webhooks commit their events here; a worker applies them to the domain.

The webhook's own work is verify, parse and one insert, so a burst of thousands of
messages is absorbed at insert speed and the provider's 2xx still means "committed".
Applying (contact, conversation, message, push) happens in a worker moments later, in
arrival order per conversation (each conversation row is locked while it is applied).
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox.adapters import Event, InboundMessage, TypingIndicator
from inbox.adapters.events import dedupe_key, from_record, to_record
from inbox.models import Channel, InboundEvent

from .ingest import ingest, typing_from_customer

log = logging.getLogger(__name__)


def accept(channel: Channel, events: list[Event]) -> InboundEvent | None:
    """Commit one webhook's events (a provider's retry is absorbed by its dedupe key)."""
    now = timezone.now()
    durable = []
    for event in events:
        if isinstance(event, TypingIndicator):
            typing_from_customer(channel, event)  # ephemeral: live or not at all
            continue
        if isinstance(event, InboundMessage) and event.received_at is None:
            event = replace(event, received_at=now)  # arrival time orders the thread
        durable.append(event)
    if not durable:
        return None
    row = InboundEvent(
        channel=channel,
        kind=type(durable[0]).__name__,
        events=[list(to_record(e)) for e in durable],
        dedupe_key=next((k for k in map(dedupe_key, durable) if k), ""),
        received_at=now,
    )
    InboundEvent.objects.bulk_create([row], ignore_conflicts=True)
    if settings.INBOUND_EVENTS_INLINE:
        apply_pending()
    else:
        transaction.on_commit(_kick)
    return row


def _kick() -> None:
    from inbox.tasks import apply_inbound_events

    apply_inbound_events.delay()


def apply_pending(limit: int = 500) -> int:
    """Apply waiting events, oldest first; safe to run from many workers at once."""
    ids = list(
        InboundEvent.objects.filter(applied_at__isnull=True)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    applied = 0
    for pk in ids:
        applied += _apply_one(pk)
    return applied


def _apply_one(pk: int) -> int:
    with transaction.atomic():
        row = (
            InboundEvent.objects.select_for_update(skip_locked=True)
            .select_related("channel__workspace")
            .filter(pk=pk, applied_at__isnull=True)
            .first()
        )
        if row is None:  # another worker has it, or had it
            return 0
        try:
            with transaction.atomic():
                ingest(row.channel, [from_record(kind, data) for kind, data in row.events])
        except Exception:
            log.exception("inbound event %s could not be applied", pk)
            row.error = traceback.format_exc()[-4000:]
            row.save(update_fields=["error"])
            return 0
        row.applied_at = timezone.now()
        row.error = ""
        row.save(update_fields=["applied_at", "error"])
    return 1
