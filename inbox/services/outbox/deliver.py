"""The single path: one message, one task (retries, fallbacks after a send, the sweep's
re-requests), idempotent and at its sender's rate."""

from __future__ import annotations

from django.utils import translation

from inbox.models import Message, MessageStatus
from inbox.throttle import Slot, Throttled, reserve_slot

from ..consent import opt_out_reason
from ..consent_notice import is_opt_out_notice
from ..errors import SendRejected
from ..note_language import notes_language
from ..workspaces import is_suspended
from .campaign_pace import campaign_paces
from .claim import claim_one
from .fallback import unreachable_reason
from .recipient import recipient_address
from .send import Late, release_connection, send_one
from .settle import fail, fall_back_or_fail, give_back, is_unexpected, settle


def deliver(message_id: str) -> str:
    """Hand a queued message to its provider; returns what happened, for the task log.

    Raises TransientSendError when the task should retry later, Throttled when the
    sender's rate has no slot soon enough, and an adapter's crash once it is settled.
    """
    message = (
        Message.objects.select_related("channel", "conversation__contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != MessageStatus.QUEUED:
        return "skipped"
    if message.not_before is not None:
        return "held"  # stays queued; the sweep requests it again once its time comes
    if is_suspended(message.workspace_id):
        return "held"  # stays queued; resume_workspace requests its delivery again
    channel = message.channel
    language = notes_language(message.workspace_id)  # the refusals below are stored
    try:
        with translation.override(language):
            to = recipient_address(message.conversation, channel)
    except SendRejected as exc:
        return fail(message_id, reason=str(exc))
    if channel.fallback_id and channel.adapter.reachable(channel, to) is False:
        return fall_back_or_fail(message_id, unreachable_reason(channel))
    # They may have texted STOP since queueing; only the confirmation of that goes out.
    with translation.override(language):
        refusal = None if is_opt_out_notice(message.content) else opt_out_reason(channel, to)
    if refusal:
        return fail(message_id, reason=refusal)
    limit = channel.adapter.throughput(channel, to=to, content=message.content)
    pace = campaign_paces({message.campaign_id} if message.campaign_id else set())
    campaign_limit = pace.get(message.campaign_id) if pace else None

    def reserve() -> Slot | None:
        """The later of the campaign's slot and the sender's (the campaign's first:
        refused there, no sender slot is taken)."""
        paced = reserve_slot(campaign_limit) if campaign_limit is not None else None
        slot = reserve_slot(limit) if limit is not None else None
        if paced is not None and (slot is None or paced.local_start > slot.local_start):
            return paced
        return slot

    slot = reserve()
    if not claim_one(message_id):
        return "skipped"
    release_connection()
    outcome = send_one(message, channel, to=to, slot=slot, reserve=reserve)
    if isinstance(outcome, Late):  # never left: back in the queue, asked again at once
        give_back([message])
        raise Throttled(retry_after=0)
    settled = settle(message_id, outcome, channel=channel, to=to)
    if isinstance(outcome, Exception) and (settled == "queued" or is_unexpected(outcome)):
        raise outcome  # the task retries a transient error with backoff; a crash surfaces
    return settled
