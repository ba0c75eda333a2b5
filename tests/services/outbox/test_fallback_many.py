"""The batch claim moves known-unreachable first attempts to the fallback as a set
(fallback.fall_back_many): the same rows as `fall_back` one by one, in statements that
do not grow with the batch."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from inbox.models import Message, MessageStatus, MessageStatusEvent
from inbox.services import send_message
from inbox.services.outbox.claim import claim_batch
from inbox.services.outbox.fallback import fall_back, fall_back_many

from .test_drain import conversations


def _state(message: Message) -> dict:
    message.refresh_from_db()
    (event,) = MessageStatusEvent.objects.filter(message=message, source="fallback")
    return {
        "row": (
            message.channel_id,
            message.fallback_from_id,
            message.fallback_reason,
            message.provider_message_id,
            message.text,
            message.status,
            message.attempts,
            message.error_code,
            message.error_message,
            message.queued_at == event.at,
        ),
        "event": (event.status, event.error_code, event.error_message, event.applied, event.raw),
    }


def _locked(message: Message) -> Message:
    return (
        Message.objects.select_for_update(of=("self",))
        .select_related("channel__fallback")
        .get(pk=message.pk)
    )


def test_a_set_moved_message_matches_one_moved_alone(rich, sms, adapter):
    one, other = (
        send_message(c, {"type": "text", "text": "same words"})
        for c in conversations(rich, 2, prefix="+1415556")
    )
    with transaction.atomic():
        fall_back(_locked(one), "+14155560000 is not reachable on RCS", request=False)
        fall_back_many([(_locked(other), "+14155560000 is not reachable on RCS")])
    alone, in_set = _state(one), _state(other)
    assert in_set == alone
    assert in_set["row"][:2] == (sms.pk, rich.pk) and in_set["row"][5] == MessageStatus.QUEUED


def _claim_queries(rich, adapter, count: int, prefix: str) -> int:
    convs = conversations(rich, count, prefix=prefix)
    adapter.unreachable.update(f"{prefix}{i:04d}" for i in range(count))
    for c in convs:
        send_message(c, {"type": "text", "text": "hello"})
    cache.clear()  # each batch looks up the workspace's language once (then cached)
    with CaptureQueriesContext(connection) as captured:
        claim = claim_batch(100)
    assert (claim.rows, claim.sending) == (count, [])
    moved = Message.objects.filter(conversation__in=convs, fallback_from=rich)
    assert moved.count() == count
    moved.update(status=MessageStatus.SENT)  # out of the next claim's way
    return len(captured.captured_queries)


def test_moving_a_batch_to_the_fallback_costs_the_same_statements_for_2_or_20(rich, sms, adapter):
    assert _claim_queries(rich, adapter, 2, "+1415557") == _claim_queries(
        rich, adapter, 20, "+1415558"
    )
