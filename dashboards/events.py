"""Writing the history the inbox rows do not keep: status changes and consent changes.

Called by the signal receivers (dashboards.receivers) after the change committed, so an
event is never recorded for a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from inbox.models import Consent, Conversation, ConversationStatus

from .models import ConsentEvent, ConversationStatusEvent
from .rollup import dirty


def record_status_change(
    conversation: Conversation,
    previous_status: str,
    actor=None,
    at: dt.datetime | None = None,
) -> ConversationStatusEvent:
    """A resolution is dated by the conversation's resolved_at (the same instant the
    roll-up reads from the row, so the two never count one resolution twice); any other
    change by when it is reported."""
    resolved = conversation.status == ConversationStatus.RESOLVED
    at = at or (conversation.resolved_at if resolved else None) or timezone.now()
    event = ConversationStatusEvent.objects.create(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.pk,
        channel_id=conversation.channel_id,
        team_id=conversation.team_id,
        agent_id=conversation.assignee_id,
        previous_status=previous_status or "",
        status=conversation.status,
        actor_id=getattr(actor, "pk", None),
        at=at,
    )
    if resolved:
        dirty.mark(conversation.workspace_id, at)  # resolution samples of an older day
    return event


def record_consent_change(consent: Consent) -> ConsentEvent:
    return ConsentEvent.objects.create(
        workspace_id=consent.workspace_id,
        channel_id=consent.channel_id,
        consent_id=consent.pk,
        opted_out=consent.opted_out,
        source=consent.source,
        at=consent.changed_at or timezone.now(),
    )
