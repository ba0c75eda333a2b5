"""The demo's opt-outs: recorded like a customer's STOP, then dated back to when they sent it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from dashboards.models import ConsentEvent
from inbox.models import Channel, Conversation, Direction
from inbox.services.consent import record_consent

from .threads import Thread


def opt_out(sms: Channel, thread: Thread) -> None:
    """Through the consent service (ledger, note, consent history), then dated back to the
    customer's STOP."""
    conversation = Conversation.objects.get(
        workspace_id=sms.workspace_id, contact__identities__value=thread.phone
    )
    consent = record_consent(
        sms,
        thread.phone,
        opted_out=True,
        source="keyword",
        keyword="STOP",
        conversation=conversation,
    )
    at = thread.stop_at + timedelta(seconds=1)
    type(consent).objects.filter(pk=consent.pk).update(changed_at=at)
    conversation.messages.filter(direction=Direction.INTERNAL, content__event="consent").update(
        created_at=at
    )
    # The consent history is written after commit; queued behind it, this runs after it.
    transaction.on_commit(lambda: ConsentEvent.objects.filter(consent_id=consent.pk).update(at=at))
