"""Merging duplicate contacts: one customer, one contact, one thread.

The same person often arrives twice (an SMS number and an RCS handle, a typo fixed by
hand). Merging keeps the oldest contact, moves the other's identities and messages onto
it, and deletes the rest in one transaction, so a failure leaves both contacts as they
were. Consent lives in the ledger per (channel, address), so it follows the identities
without a row being touched. An AuditEntry records who merged what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import translation
from django.utils.translation import gettext as _

from inbox import realtime, signals
from inbox.models import Contact, ContactIdentity, Conversation, ConversationStatus, Message

from . import audit
from .note_language import notes_language
from .notes import display_name, system_note

# When both threads exist, the merged one takes the livelier status.
_LIVELINESS = {
    ConversationStatus.OPEN: 3,
    ConversationStatus.PENDING: 2,
    ConversationStatus.SNOOZED: 1,
    ConversationStatus.RESOLVED: 0,
}


@dataclass(frozen=True)
class MergeResult:
    contact: Contact
    conversation: Conversation | None
    removed_contact_id: int
    removed_conversation_id: int | None


def _earliest(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _latest(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _label(contact: Contact, identities: list[str]) -> str:
    return contact.name or (identities[0] if identities else f"Contact {contact.pk}")


def _fold_threads(keep: Conversation, gone: Conversation) -> None:
    """Move `gone`'s messages into `keep` and take over whatever `keep` lacks.

    Figures computed per thread from those messages (response times, who resolved it)
    are now stale for the days they were written: listeners are told after commit."""
    moved = Message.objects.filter(conversation=gone)
    days = set(
        moved.annotate(day=TruncDate("created_at", tzinfo=dt.UTC))
        .values_list("day", flat=True)
        .distinct()
    )
    moved.update(conversation=keep)
    if days:
        workspace_id = keep.workspace_id
        transaction.on_commit(
            lambda: signals.send(
                signals.messages_moved, Message, workspace_id=workspace_id, days=days
            )
        )
    keep.labels.add(*gone.labels.all())
    keep.assignee_id = keep.assignee_id or gone.assignee_id
    keep.team_id = keep.team_id or gone.team_id
    if (gone.last_message_at or gone.created_at) > (keep.last_message_at or keep.created_at):
        # Replies go where the customer wrote last.
        keep.channel_id = gone.channel_id
        keep.last_message_preview = gone.last_message_preview
    keep.last_message_at = _latest(keep.last_message_at, gone.last_message_at)
    keep.last_inbound_at = _latest(keep.last_inbound_at, gone.last_inbound_at)
    keep.waiting_since = _earliest(keep.waiting_since, gone.waiting_since)
    keep.first_response_at = _earliest(keep.first_response_at, gone.first_response_at)
    if _LIVELINESS[gone.status] > _LIVELINESS[keep.status]:
        keep.status = gone.status
        keep.snoozed_until = gone.snoozed_until
        keep.resolved_at = gone.resolved_at
    keep.save()


def merge_contacts(first: Contact, second: Contact, *, actor) -> MergeResult:
    """Merge two contacts of one workspace; the older one survives whichever is `first`."""
    if first.workspace_id != second.workspace_id:
        raise ValidationError(_("Contacts from different workspaces cannot be merged."))
    if first.pk == second.pk:
        raise ValidationError(_("A contact cannot be merged with itself."))
    with transaction.atomic():
        locked = list(
            Contact.objects.select_for_update().filter(pk__in=[first.pk, second.pk]).order_by("pk")
        )
        if len(locked) != 2:
            raise ValidationError(_("One of the contacts no longer exists."))
        keep, gone = sorted(locked, key=lambda c: (c.created_at, c.pk))
        threads = {
            c.contact_id: c
            for c in Conversation.objects.select_for_update()
            .filter(contact__in=locked)
            .order_by("pk")
        }
        keep_thread, gone_thread = threads.get(keep.pk), threads.get(gone.pk)
        gone_identities = [
            f"{i.kind}:{i.value}" for i in ContactIdentity.objects.filter(contact=gone)
        ]
        gone_label = _label(gone, [v.split(":", 1)[1] for v in gone_identities])
        before = {
            "kept": {"id": keep.pk, "name": keep.name, "email": keep.email},
            "merged": {"id": gone.pk, "name": gone.name, "email": gone.email},
            "moved_identities": gone_identities,
        }

        ContactIdentity.objects.filter(contact=gone).update(contact=keep)
        keep.name = keep.name or gone.name
        keep.email = keep.email or gone.email
        keep.attributes = {**(gone.attributes or {}), **(keep.attributes or {})}
        keep.save(update_fields=["name", "email", "attributes"])

        removed_thread_id = None
        if gone_thread is not None and keep_thread is not None:
            _fold_threads(keep_thread, gone_thread)
            removed_thread_id = gone_thread.pk
            gone_thread.delete()
        elif gone_thread is not None:
            gone_thread.contact = keep
            gone_thread.save(update_fields=["contact"])
            keep_thread = gone_thread
        gone.delete()

        audit.record(
            keep.workspace,
            actor,
            "contact.merged",
            keep,
            before=before,
            after={"contact": keep.pk, "conversation": keep_thread.pk if keep_thread else None},
            target_label=keep.name or f"Contact {keep.pk}",
        )
        if keep_thread is not None:
            keep_thread.refresh_from_db()
            if keep_thread.last_message_at is None:
                latest = Message.objects.filter(conversation=keep_thread).aggregate(
                    at=Max("created_at")
                )
                keep_thread.last_message_at = latest["at"]
                keep_thread.save(update_fields=["last_message_at"])
            with translation.override(notes_language(keep_thread.workspace_id)):
                text = _("%(actor)s merged %(contact)s into this contact.") % {
                    "actor": display_name(actor),
                    "contact": gone_label,
                }
            system_note(
                keep_thread,
                text,
                event="merge",
                merged_contact_id=before["merged"]["id"],
                actor_id=actor.pk if actor is not None else None,
            )
            realtime.conversation_changed(keep_thread)
        if removed_thread_id is not None:
            realtime.conversation_changed(
                Conversation(pk=removed_thread_id, workspace_id=keep.workspace_id)
            )
    return MergeResult(
        contact=keep,
        conversation=keep_thread,
        removed_contact_id=before["merged"]["id"],
        removed_conversation_id=removed_thread_id,
    )
