"""Time-to-live: a message not delivered in time is withdrawn, and maybe sent as SMS.

An appointment reminder that arrives after the appointment is worse than none, so the
provider is asked to revoke it; if the channel is configured with `sms_on_expiry` and
has a fallback, the same message then goes out there instead.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from inbox.models import Message, MessageStatus

from .outbox.fallback import fall_back
from .outbox.recipient import recipient_address
from .statuses import transition

UNDELIVERED = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT)


def expire_due(now=None) -> dict[str, int]:
    now = now or timezone.now()
    due = Message.objects.filter(
        expires_at__lte=now, status__in=UNDELIVERED, fallback_from__isnull=True
    ).values_list("pk", flat=True)[:500]
    counts = {"expired": 0, "fell_back": 0, "kept": 0}
    for pk in due:
        counts[expire_one(pk)] += 1
    return counts


def expire_one(message_id) -> str:
    message = Message.objects.select_related("channel", "conversation__contact").get(pk=message_id)
    channel = message.channel
    if message.status == MessageStatus.SENT and message.provider_message_id:
        to = recipient_address(message.conversation, channel)
        revoked = channel.adapter.revoke(
            channel, to=to, provider_message_id=message.provider_message_id
        )
        if not revoked:  # already delivered, or the provider cannot take it back
            return "kept"
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status not in UNDELIVERED:
            return "kept"
        if channel.fallback_id and channel.config.get("sms_on_expiry"):
            # A revoked message goes out again under the same id on the fallback channel.
            fall_back(message, "not delivered before it expired")
            return "fell_back"
        transition(
            message,
            MessageStatus.FAILED,
            source="expiry",
            error_code="expired",
            error_message="Expired: not delivered before its time-to-live; withdrawn",
            force=True,
        )
    return "expired"
