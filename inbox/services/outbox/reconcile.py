"""Messages a dead worker left `sending`, settled with the provider instead of guessed.

A worker killed during the provider call (SIGKILL, OOM, a lost host) leaves its row
`sending`: the provider may or may not have the message. Once the call cannot still be
in flight (OUTBOX_RECONCILE_AFTER_SECONDS after the claim, well over any client
timeout), the sweep asks the channel's adapter (ChannelAdapter.reconcile):

- ANSWERED (RBM: the send repeated with the same messageId, which RBM dedupes): that
  answer is settled like any send's, so the message is sent exactly once;
- FOUND (SMS: the Messages list has it): recorded as sent with the provider's id;
- ABSENT (the provider never got it): queued again, safe to send;
- RETRY (the provider could not be asked now): asked again at the next sweep, until
  OUTBOX_UNKNOWN_AFTER_SECONDS after the claim;
- UNKNOWN (WhatsApp and any provider without a lookup): failed "outcome unknown", at
  once, so the agent can decide (sooner than the 12 minutes this used to take).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox import media_links, redis_client
from inbox.adapters import Reconciliation, SendResult, Verdict
from inbox.backoff import backoff_seconds
from inbox.models import Message, MessageStatus

from ..errors import SendRejected
from ..statuses import transition
from . import enqueue
from .recipient import recipient_address
from .send import idempotency_key
from .settings import outbox_settings
from .settle import settle

log = logging.getLogger(__name__)

LOCK_KEY = "outbox:reconciling:{}"
UNKNOWN = gettext_lazy("Outcome unknown: the worker stopped during the provider call")


def reconcile_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RECONCILE_AFTER_SECONDS)


def unknown_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_UNKNOWN_AFTER_SECONDS)


def reconcile_stuck(now: datetime | None = None, limit: int = 200) -> Counter[str]:
    """Settle messages left `sending` past the reconcile age; counts by what happened
    ("sent", "found", "requeued", "failed", "unknown_outcome", "pending", ...)."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(status=MessageStatus.SENDING, sending_at__lt=now - reconcile_after())
        .order_by("sending_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts: Counter[str] = Counter()
    redis = redis_client.client()
    for pk in ids:
        key = LOCK_KEY.format(pk)
        if not redis.set(key, 1, nx=True, ex=120):  # another sweep is on it
            continue
        try:
            counts[reconcile_one(str(pk), now)] += 1
        except Exception:  # one message's bug must not stop the sweep
            log.exception("reconciling message %s failed", pk)
            counts["error"] += 1
        finally:
            redis.delete(key)
    return counts


def reconcile_one(message_id: str, now: datetime) -> str:
    """Ask the provider about one stuck message and settle it; what happened."""
    message = (
        Message.objects.select_related("channel", "conversation").filter(pk=message_id).first()
    )
    if message is None or message.status != MessageStatus.SENDING:
        return "skipped"
    channel = message.channel
    try:
        to = recipient_address(message.conversation, channel)
    except SendRejected:
        return _fail_unknown(message_id, "the recipient has no address any more")
    verdict = channel.adapter.reconcile(
        channel,
        to=to,
        content=media_links.for_provider(message.content, message.workspace_id),
        message_id=idempotency_key(message),
        since=message.sending_at,
    )
    log.info(
        "reconciled %s with %s: %s %s", message_id, channel.kind, verdict.verdict, verdict.reason
    )
    if verdict.verdict == Verdict.ANSWERED:
        return _settle_answer(message_id, verdict.outcome, channel=channel, to=to)
    if verdict.verdict == Verdict.FOUND:
        result = _unclaimed(message, verdict)
        if result is not None:
            settle(message_id, result, channel=channel, to=to)
            return "found"
        return _send_again(message_id, "the provider has no message of its own for it")
    if verdict.verdict == Verdict.ABSENT:
        return _send_again(message_id, verdict.reason)
    if verdict.verdict == Verdict.RETRY and now - message.sending_at < unknown_after():
        return "pending"
    return _fail_unknown(message_id, verdict.reason)


def _settle_answer(message_id: str, outcome, *, channel, to: str) -> str:
    if outcome is None:
        return _fail_unknown(message_id, "the adapter gave no answer")
    settled = settle(message_id, outcome, channel=channel, to=to)
    if settled == "queued":  # a transient answer: the repeat stays idempotent, so retry
        attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True)
        with transaction.atomic():
            enqueue.delivery(
                message_id,
                countdown=backoff_seconds(attempts.first() or 1, outcome.retry_after),
            )
    return settled


def _unclaimed(message: Message, verdict: Reconciliation) -> SendResult | None:
    """The newest match no other message of the channel has recorded as its own (the
    same text to the same number twice is two messages, not one found twice)."""
    ids = [r.provider_message_id for r in verdict.found]
    taken = set(
        Message.objects.filter(channel_id=message.channel_id, provider_message_id__in=ids)
        .exclude(pk=message.pk)
        .values_list("provider_message_id", flat=True)
    )
    return next((r for r in verdict.found if r.provider_message_id not in taken), None)


def _send_again(message_id: str, reason: str) -> str:
    """The provider does not have it: back to `queued` for the single path (attempts
    already counts this one), or failed once the attempts are spent."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.SENDING:
            return "skipped"
        if message.attempts >= outbox_settings().max_attempts:
            transition(
                message,
                MessageStatus.FAILED,
                source="sweep",
                error_message=format_lazy(
                    gettext_lazy("Not sent: the worker stopped during the call ({reason})"),
                    reason=reason,
                ),
                force=True,
            )
            return "failed"
        transition(
            message,
            MessageStatus.QUEUED,
            source="sweep",
            error_message=format_lazy(
                gettext_lazy(
                    "Not at the provider after the worker stopped ({reason}); sending again"
                ),
                reason=reason,
            ),
            force=True,
        )
        enqueue.delivery(message_id)
    return "requeued"


def _fail_unknown(message_id: str, reason: str) -> str:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.SENDING:
            return "skipped"
        transition(
            message,
            MessageStatus.FAILED,
            source="sweep",
            error_message=format_lazy("{} ({})", UNKNOWN, reason) if reason else UNKNOWN,
            force=True,
        )
    return "unknown_outcome"
