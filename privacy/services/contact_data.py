"""A contact's personal data: export (right of access) and erasure (right to erasure)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from inbox.models import Consent, Contact, InboundEvent, Message, Workspace
from inbox.services import audit
from outbound_webhooks import delivery_erasure

from . import media_files


def find_contacts(workspace: Workspace, query: str, limit: int = 20):
    query = query.strip()
    if not query:
        return Contact.objects.none()
    return (
        Contact.objects.filter(workspace=workspace)
        .filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(identities__value__icontains=query)
            | Q(pk=int(query) if query.isdigit() else None)
        )
        .distinct()
        .prefetch_related("identities")
        .order_by("name", "pk")[:limit]
    )


def _addresses(contact: Contact) -> list[str]:
    return [identity.value for identity in contact.identities.all()]


def export(contact: Contact, actor) -> dict[str, Any]:
    """Everything we hold about the contact, as JSON-safe data; the export is audited."""
    addresses = _addresses(contact)
    conversations = contact.conversations.select_related("channel", "assignee").order_by("pk")
    data = {
        "contact": {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "attributes": contact.attributes,
            "created_at": contact.created_at.isoformat(),
        },
        "identities": [
            {"kind": i.kind, "value": i.value, "created_at": i.created_at.isoformat()}
            for i in contact.identities.all().order_by("pk")
        ],
        "consent": [
            {
                "channel": c.channel.name,
                "address": c.address,
                "opted_out": c.opted_out,
                "keyword": c.keyword,
                "source": c.source,
                "changed_at": c.changed_at.isoformat(),
            }
            for c in Consent.objects.filter(workspace=contact.workspace, address__in=addresses)
            .select_related("channel")
            .order_by("pk")
        ],
        "conversations": [
            {
                "id": conv.pk,
                "channel": conv.channel.name,
                "status": conv.status,
                "created_at": conv.created_at.isoformat(),
                "messages": [
                    {
                        "id": str(m.pk),
                        "direction": m.direction,
                        "author": m.author,
                        "channel": m.channel.name,
                        "text": m.text,
                        "content": m.content,
                        "status": m.status,
                        "created_at": m.created_at.isoformat(),
                    }
                    for m in Message.objects.filter(conversation=conv)
                    .exclude(direction="internal")
                    .select_related("channel")
                    .order_by("created_at", "pk")
                ],
            }
            for conv in conversations
        ],
    }
    audit.record(
        contact.workspace,
        actor,
        "contact.exported",
        contact,
        target_label=f"contact {contact.pk}",
    )
    return data


def confirmation_phrase(contact: Contact) -> str:
    return f"erase contact {contact.pk}"


def erase(contact: Contact, actor) -> dict[str, int]:
    """Delete the contact, their identities, conversations, messages and stored media
    (what they sent and what agents sent them), blank the webhook deliveries that carried
    their messages, and remove their values from the audit log.

    Opt-outs are kept: the suppression record is what guarantees they are never
    messaged again. Audit entries are kept too, without the contact's values: the fact
    that something changed, who did it and when is the workspace's, not the contact's.
    The erasure's own entry names the contact's id and the counts, nothing else.
    """
    workspace = contact.workspace
    contact_id = contact.pk
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact_id, workspace=workspace)
        addresses = _addresses(contact)
        messages = Message.objects.filter(conversation__contact=contact)
        paths = media_files.stored_paths(
            messages.values_list("content", flat=True), workspace_id=workspace.pk
        )
        conversation_ids = list(contact.conversations.values_list("pk", flat=True))
        counts = {
            "messages": messages.count(),
            "conversations": len(conversation_ids),
            "identities": len(addresses),
        }
        messages.delete()
        Consent.objects.filter(workspace=workspace, address__in=addresses, opted_out=False).delete()
        if addresses:
            raw = InboundEvent.objects.filter(channel__workspace=workspace).annotate(
                raw=Cast("events", TextField())
            )
            match = Q()
            for address in addresses:
                match |= Q(raw__contains=address)
            raw.filter(match).delete()
        counts["media_files"] = len(paths)
        after = {f"{k}_deleted": v for k, v in counts.items()}
        counts["webhook_bodies_erased"] = after["webhook_bodies_erased"] = (
            delivery_erasure.erase_for_conversations(workspace.pk, conversation_ids)
        )
        counts["audit_entries_redacted"] = after["audit_entries_redacted"] = audit.erase_contact(
            workspace, contact_id, addresses=[*addresses, contact.email]
        )
        audit.record(
            workspace,
            actor,
            "contact.erased",
            contact,
            before={"contact_id": contact_id},
            after=after,
            target_label=f"contact {contact_id}",
        )
        contact.delete()
        transaction.on_commit(lambda: media_files.delete(paths))
    return counts
