"""A conversation's status: open, pending, snoozed until a time, resolved.

Changes happen under a row lock, leave a system note ("Resolved by Alice"), tell browsers,
and send `inbox.signals.conversation_status_changed` after commit. A snooze ends by
itself: beat runs `wake_snoozed`, which reopens every conversation whose time has come
(a customer writing reopens it sooner, in ingest).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from inbox import realtime, signals
from inbox.models import Conversation, ConversationStatus

from .note_language import notes_language
from .notes import display_name, system_note

WAKE_BATCH = 200


def _describe(status: str, actor, snoozed_until: datetime | None) -> str:
    who = display_name(actor) if actor is not None else None
    if status == ConversationStatus.RESOLVED:
        return _("Resolved by %(who)s.") % {"who": who} if who else _("Resolved.")
    if status == ConversationStatus.PENDING:
        return _("Marked pending by %(who)s.") % {"who": who} if who else _("Marked pending.")
    if status == ConversationStatus.SNOOZED:
        local = timezone.localtime(snoozed_until)
        # "Mon Jan 5, 09:00 CET" in the note's language.
        until = f"{dateformat.format(local, 'D M j, H:i')} {local.tzname() or ''}".rstrip()
        if who:
            return _("Snoozed by %(who)s until %(until)s.") % {"who": who, "until": until}
        return _("Snoozed until %(until)s.") % {"until": until}
    return _("Reopened by %(who)s.") % {"who": who} if who else _("Snooze ended: reopened.")


def change_status(
    conversation: Conversation,
    status: str,
    *,
    actor,
    snoozed_until: datetime | None = None,
    now: datetime | None = None,
) -> Conversation:
    """Move the conversation to `status`; snoozing needs a time in the future."""
    now = now or timezone.now()
    if status not in ConversationStatus.values:
        raise ValidationError(f"Unknown status “{status}”.")
    if status == ConversationStatus.SNOOZED:
        if snoozed_until is None:
            raise ValidationError(_("Pick the time the snooze ends."))
        if timezone.is_naive(snoozed_until):
            raise ValidationError(_("The snooze time needs a time zone."))
        if snoozed_until <= now:
            raise ValidationError(_("The snooze must end in the future."))
    else:
        snoozed_until = None
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        previous = conv.status
        if previous == status and conv.snoozed_until == snoozed_until:
            return conv
        conv.status = status
        conv.snoozed_until = snoozed_until
        conv.resolved_at = now if status == ConversationStatus.RESOLVED else None
        conv.save(update_fields=["status", "snoozed_until", "resolved_at"])
        with translation.override(notes_language(conv.workspace_id)):
            text = _describe(status, actor, snoozed_until)
        system_note(
            conv,
            text,
            event="status",
            status=status,
            previous_status=previous,
            actor_id=actor.pk if actor is not None else None,
        )
        realtime.conversation_changed(conv)
        if previous != status:
            transaction.on_commit(
                lambda: signals.send(
                    signals.conversation_status_changed,
                    Conversation,
                    conversation=conv,
                    previous_status=previous,
                    actor=actor,
                )
            )
    return conv


def wake_snoozed(now: datetime | None = None) -> int:
    """Reopen conversations whose snooze has ended; safe to run from several workers
    (each row is re-checked under its lock, so two runs reopen it once)."""
    now = now or timezone.now()
    woken = 0
    due = list(
        Conversation.objects.filter(
            status=ConversationStatus.SNOOZED, snoozed_until__lte=now
        ).values_list("pk", flat=True)[:WAKE_BATCH]
    )
    for pk in due:
        with transaction.atomic():
            conv = (
                Conversation.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ConversationStatus.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if conv is None:
                continue
            change_status(conv, ConversationStatus.OPEN, actor=None, now=now)
            woken += 1
    return woken
