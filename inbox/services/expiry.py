"""Time-to-live: a message not delivered in time is withdrawn, and maybe sent as SMS.

An appointment reminder that arrives after the appointment is worse than none, so the
provider is asked to revoke it; if the channel is configured with `sms_on_expiry` and
has a fallback, the same message then goes out there instead. A provider that enforces
a time-to-live itself reports the outcome (`Revocation`, `apply_revocation`).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inbox.adapters import Revocation
from inbox.models import Channel, Message, MessageStatus

from .note_language import notes_language
from .notes import system_note
from .outbox.fallback import fall_back
from .outbox.recipient import recipient_address
from .statuses import transition

log = logging.getLogger(__name__)

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
            with translation.override(notes_language(message.workspace_id)):
                reason = _("not delivered before it expired")
            fall_back(message, reason)
            return "fell_back"
        with translation.override(notes_language(message.workspace_id)):
            reason = _("Expired: not delivered before its time-to-live; withdrawn")
        transition(
            message,
            MessageStatus.FAILED,
            source="expiry",
            error_code="expired",
            error_message=reason,
            force=True,
        )
    return "expired"


def apply_revocation(channel: Channel, event: Revocation) -> Message | None:
    """The provider's own time-to-live outcome for one of our messages.

    Revoked: it never reached the phone, so it goes to the channel's fallback (once; the
    thread says it was revoked) or fails as expired. Not revoked: it reached the phone
    and stays, with a note in the thread. A replay finds nothing to do: after the
    fallback the message no longer carries this channel's provider id.
    """
    # A worker has no request language: the note and the reason are stored once, in the
    # workspace's language, like every other system note.
    with translation.override(notes_language(channel.workspace_id)):
        return _apply_revocation(channel, event)


def _apply_revocation(channel: Channel, event: Revocation) -> Message | None:
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("channel", "conversation")
            .filter(channel=channel, provider_message_id=event.provider_message_id)
            .first()
        )
        if message is None:
            log.info("revocation for unknown message %s ignored", event.provider_message_id)
            return None
        if not event.revoked:
            system_note(
                message.conversation,
                _(
                    "%(channel)s could not withdraw a message when its time-to-live ran "
                    "out: it had already reached the phone, so it stays."
                )
                % {"channel": channel.name},
                event="revoke_failed",
                message_id=str(message.pk),
            )
            return message
        if message.status not in UNDELIVERED or message.fallback_from_id:
            return message  # delivered meanwhile, or already on its second try
        reason = _("revoked by %(channel)s: not delivered before its time-to-live ran out") % {
            "channel": channel.name
        }
        if channel.fallback_id:
            fall_back(message, reason, code="revoked")
        else:
            transition(
                message,
                MessageStatus.FAILED,
                source="expiry",
                at=event.at,
                error_code="revoked",
                error_message=reason,
                force=True,
            )
    return message
