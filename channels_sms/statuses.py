"""Twilio message statuses in the inbox's status ladder (inbox.models.MessageStatus).

The ladder is coarser than Twilio's enum: everything before the carrier has it is
"queued" or "sending", and every terminal failure is "failed" with the error code kept.
Inbound-only statuses (receiving/received) map to nothing: they never describe a reply.
"""

from __future__ import annotations

TWILIO_TO_INBOX: dict[str, str] = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "partially_delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}

# Statuses that carry an ErrorCode worth showing.
FAILURE_STATUSES = frozenset({"undelivered", "failed", "canceled"})


def to_inbox_status(twilio_status: str) -> str | None:
    """Our status for a Twilio status, or None when it says nothing about an outbound message."""
    return TWILIO_TO_INBOX.get((twilio_status or "").strip().lower())
