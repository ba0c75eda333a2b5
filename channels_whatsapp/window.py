"""The 24-hour customer-service window (Meta: "Customer service windows").

A business may send free-form messages to a customer only within 24 hours of the
customer's last message to that business phone number; after that, only an approved
template. Checked before a send is queued (and in the composer's preview), so an agent
learns it before pressing send rather than from a failed tick (error 131047).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from inbox.models import Direction, Message

from .limits import SERVICE_WINDOW_HOURS


def last_customer_message_at(channel, conversation) -> datetime | None:
    return (
        Message.objects.filter(
            conversation=conversation, channel=channel, direction=Direction.INBOUND
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def is_open(channel, conversation, *, now: datetime | None = None) -> bool:
    last = last_customer_message_at(channel, conversation)
    now = now or timezone.now()
    return last is not None and now - last < timedelta(hours=SERVICE_WINDOW_HOURS)


def closes_at(channel, conversation) -> datetime | None:
    last = last_customer_message_at(channel, conversation)
    return last + timedelta(hours=SERVICE_WINDOW_HOURS) if last else None
