"""The retention sweep: messages older than a workspace's retention_days are purged,
with their stored files (inbound copies and agents' uploads), the webhook delivery bodies
that carried them, and the contact values quoted by older audit entries.

Batches keep each transaction (and its row locks) short, so a first run over years of
history does not stall the inbox; the sweep simply continues on its next run.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inbox.models import Conversation, InboundEvent, Message, Workspace
from inbox.services import audit
from outbound_webhooks import delivery_erasure

from . import media_files

BATCH_SIZE = 500


def purge_workspace(
    workspace: Workspace, *, batch_size: int = BATCH_SIZE, max_batches: int = 100
) -> int:
    """Delete up to max_batches batches of expired messages; returns how many went."""
    if not workspace.retention_days:
        return 0
    cutoff = timezone.now() - timedelta(days=workspace.retention_days)
    total = 0
    for _ in range(max_batches):
        with transaction.atomic():
            batch = list(
                Message.objects.filter(workspace=workspace, created_at__lt=cutoff)
                .order_by("created_at")
                .values_list("pk", "content")[:batch_size]
            )
            if not batch:
                break
            paths = media_files.stored_paths(
                (content for _, content in batch), workspace_id=workspace.pk
            )
            Message.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
            transaction.on_commit(lambda paths=paths: media_files.delete(paths))
        total += len(batch)
        if len(batch) < batch_size:
            break
    with transaction.atomic():
        # The list shows a preview of the last message; it must not outlive the message.
        Conversation.objects.filter(workspace=workspace, last_message_at__lt=cutoff).exclude(
            last_message_preview=""
        ).update(last_message_preview="")
        # Raw webhook payloads hold the same texts and numbers.
        InboundEvent.objects.filter(channel__workspace=workspace, received_at__lt=cutoff).filter(
            Q(applied_at__isnull=False) | Q(gave_up_at__isnull=False)
        ).delete()
        # Outbound webhook bodies carry message texts; audit entries quote contacts' values.
        delivery_erasure.erase_expired(workspace.pk, cutoff=cutoff)
        audit.erase_contact_values_before(workspace, cutoff)
    return total


def purge_all() -> dict[str, int]:
    """Every workspace with a retention setting; {slug: messages deleted}."""
    return {
        workspace.slug: purge_workspace(workspace)
        for workspace in Workspace.objects.filter(retention_days__isnull=False)
    }
