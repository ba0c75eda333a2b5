"""Domain rules. The only code that writes inbox models; views, tasks and webhooks call it."""

from .channels import create_channel
from .contacts import find_or_create_contact
from .errors import SendRejected
from .expiry import expire_due
from .inbound_queue import accept, apply_pending
from .ingest import ingest
from .outbox.deliver import deliver
from .outbox.sweep import requeue_stuck
from .preview import build_content, compose_preview
from .reading import mark_read, unread_counts
from .sending import retry_message, send_message
from .statuses import adopt_late_orphans, apply_status
from .typing import agent_typing

__all__ = [
    "accept",
    "apply_pending",
    "SendRejected",
    "agent_typing",
    "adopt_late_orphans",
    "apply_status",
    "build_content",
    "compose_preview",
    "create_channel",
    "deliver",
    "expire_due",
    "find_or_create_contact",
    "ingest",
    "mark_read",
    "requeue_stuck",
    "retry_message",
    "send_message",
    "unread_counts",
]
