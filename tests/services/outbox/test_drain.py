"""The batched outbox path (drain.py) keeps every promise of the single path (deliver.py)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from inbox import jobs
from inbox.adapters import InboundMessage, TransientSendError
from inbox.models import Consent, Message, MessageStatus, MessageStatusEvent
from inbox.services import deliver, ingest, send_message
from inbox.services.outbox import enqueue
from inbox.services.outbox.claim import Claim, claim_batch
from inbox.services.outbox.drain import drain
from inbox.services.outbox.send import send_all
from inbox.services.outbox.settle import settle_batch
from inbox.throttle import Slot, Throughput

from ..conftest import CUSTOMER


def conversations(channel, count: int, prefix: str = "+1415555"):
    out = []
    for i in range(count):
        message = ingest(
            channel,
            [
                InboundMessage(
                    provider_message_id=f"IN-{uuid.uuid4().hex}",
                    sender=f"{prefix}{i:04d}",
                    recipient="+15550001",
                    content={"type": "text", "text": "hi"},
                    text="hi",
                )
            ],
        )[0]
        out.append(message.conversation)
    return out


def queue(convs, text="On it") -> list[Message]:
    return [send_message(c, {"type": "text", "text": f"{text} {i}"}) for i, c in enumerate(convs)]


def metered(adapter, monkeypatch, per_second: float) -> Throughput:
    limit = Throughput(key=f"batch-{uuid.uuid4().hex}", per_second=per_second)
    monkeypatch.setattr(
        type(adapter),
        "throughput",
        lambda self, channel, *, to, content: limit,
        raising=False,
    )
    return limit


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    """Drains run here, by the test: a live worker (if one was started) must not join."""
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture(autouse=True)
def no_retry_tasks(monkeypatch):
    """Retries scheduled by the batch path are recorded, not sent to the broker."""
    scheduled: list[tuple[tuple, float]] = []
    enqueue_task = jobs.enqueue

    def record(task, *args, countdown=None):
        if task != jobs.DELIVER_MESSAGE:
            return enqueue_task(task, *args, countdown=countdown)
        scheduled.append((args, countdown))

    monkeypatch.setattr(jobs, "enqueue", record)
    return scheduled


def test_drain_sends_each_first_attempt_once_with_its_history(channel, adapter):
    messages = queue(conversations(channel, 5))
    assert drain() == 5
    assert sorted(s["message_id"] for s in adapter.sent) == sorted(str(m.pk) for m in messages)
    for message in Message.objects.filter(pk__in=[m.pk for m in messages]):
        assert message.status == MessageStatus.SENT
        assert message.attempts == 1
        assert message.provider_message_id.startswith("R")
        assert message.sending_at and message.sent_at
        history = list(
            MessageStatusEvent.objects.filter(message=message)
            .order_by("pk")
            .values_list("status", flat=True)
        )
        assert history == ["queued", "sending", "sent"]
    assert drain() == 0  # nothing left: a re-run sends nothing
    assert len(adapter.sent) == 5


def test_drain_query_count_does_not_grow_with_the_batch(
    channel, adapter, django_assert_max_num_queries
):
    queue(conversations(channel, 30))
    with django_assert_max_num_queries(20):  # 30 messages, one claim and one record
        assert drain() == 30


def test_two_concurrent_drains_never_send_a_message_twice(channel, adapter, transactional_db):
    messages = queue(conversations(channel, 40))
    sent_counts: list[int] = []

    def run() -> None:
        try:
            sent_counts.append(drain())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    ids = [s["message_id"] for s in adapter.sent]
    assert sorted(ids) == sorted(str(m.pk) for m in messages)  # each exactly once
    assert sum(sent_counts) == 40
    assert Message.objects.filter(status=MessageStatus.SENT, attempts=1).count() == 40


def test_claims_on_two_workers_share_the_senders_rate(
    channel, adapter, transactional_db, monkeypatch
):
    metered(adapter, monkeypatch, per_second=5.0)
    queue(conversations(channel, 12))
    claims: list[Claim] = []

    def run() -> None:
        try:
            claims.append(claim_batch(12))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    starts = sorted(c.slot.starts_at for claim in claims for c in claim.sending)
    # max_ahead is 1 s: at 5/s, 6 slots (now .. now+1 s) across both workers, no more
    assert len(starts) <= 6
    assert all(b - a >= 0.2 - 1e-3 for a, b in zip(starts, starts[1:], strict=False))
    assert any(claim.throttled for claim in claims)  # the rest was refused a slot
    assert Message.objects.filter(status=MessageStatus.SENDING).count() == len(starts)
    assert Message.objects.filter(status=MessageStatus.QUEUED, attempts=0).count() == 12 - len(
        starts
    )


def test_transient_error_requeues_with_backoff_outside_the_batch(
    channel, adapter, no_retry_tasks, django_capture_on_commit_callbacks
):
    (message,) = queue(conversations(channel, 1))
    adapter.fail_with = TransientSendError("provider busy", code="20429", retry_after=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert drain() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert MessageStatusEvent.objects.filter(
        message=message, status="queued", error_message="provider busy"
    ).exists()
    assert no_retry_tasks and no_retry_tasks[0][0] == (str(message.pk),)
    assert no_retry_tasks[0][1] >= 7  # the provider's Retry-After is honoured
    adapter.fail_with = None
    assert claim_batch(10).rows == 0  # the retry belongs to its own task and backoff
    assert deliver(str(message.pk)) == "sent"  # ... which sends it once
    assert len(adapter.sent) == 1


def test_consent_is_checked_again_at_claim(channel, adapter, workspace):
    (message,) = queue(conversations(channel, 1))
    Consent.objects.create(
        workspace=workspace,
        channel=channel,
        address="+14155550000",
        opted_out=True,
        keyword="STOP",
        source="keyword",
        changed_at=timezone.now(),
    )
    assert drain() == 0
    message.refresh_from_db()
    assert adapter.sent == []
    assert message.status == MessageStatus.FAILED
    assert "opted out" in message.error_message


def test_a_message_left_sending_is_never_sent_again(channel, adapter):
    (message,) = queue(conversations(channel, 1))
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempts=1)
    assert drain() == 0
    assert adapter.sent == []
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENDING


def test_a_reachable_first_attempt_on_a_fallback_channel_is_drained_there(
    rich_conversation, rich, adapter
):
    message = send_message(rich_conversation, {"type": "text", "text": "hello"})
    assert drain() == 1
    message.refresh_from_db()
    assert (message.status, message.channel, message.fallback_from) == ("sent", rich, None)
    assert [s["channel"] for s in adapter.sent] == ["RCS"]
    assert deliver(str(message.pk)) == "skipped"  # a late task sends nothing more


def test_a_known_unreachable_first_attempt_is_drained_on_the_fallback_once(
    rich_conversation, rich, sms, adapter, no_retry_tasks
):
    adapter.unreachable.add(CUSTOMER)
    message = send_message(rich_conversation, {"type": "text", "text": "hello"})
    claim = claim_batch(10)
    assert (claim.rows, claim.sending) == (1, [])  # moved, not sent on RCS
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    assert (message.channel, message.fallback_from) == (sms, rich)
    assert "not reachable on RCS" in message.fallback_reason
    # The same words for every recipient: the dashboards count fallbacks by reason.
    assert CUSTOMER not in message.fallback_reason
    assert no_retry_tasks == []  # no task of its own: the next claim takes it
    assert drain() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [s["channel"] for s in adapter.sent] == ["SMS"]
    assert message.status_events.filter(source="fallback").count() == 1
    assert drain() == 0 and deliver(str(message.pk)) == "skipped"
    assert len(adapter.sent) == 1


def test_a_not_found_answer_in_a_batch_falls_back_once(rich_conversation, sms, adapter):
    adapter.not_found.add(CUSTOMER)
    message = send_message(rich_conversation, {"type": "text", "text": "hello"})
    assert drain() == 0  # RCS answered 404: fallen back, requested as its own task
    message.refresh_from_db()
    assert (message.status, message.channel, message.attempts) == ("queued", sms, 1)
    assert deliver(str(message.pk)) == "sent"
    assert len(adapter.sent) == 1
    assert drain() == 0 and deliver(str(message.pk)) == "skipped"


def test_send_all_never_sends_before_the_slot(channel, adapter):
    import time

    (message,) = queue(conversations(channel, 1))
    claim = claim_batch(1)
    (claimed,) = claim.sending
    claimed.slot = Slot(starts_at=0, local_start=time.monotonic() + 0.3)
    before = time.monotonic()
    (outcome,) = send_all(claim.sending)
    assert time.monotonic() - before >= 0.3
    assert outcome[1].provider_message_id.startswith("R")


def test_a_call_too_late_for_its_slot_is_not_sent_and_queued_again(channel, adapter, monkeypatch):
    import time

    # 1/s, spaced 1.25 s apart with the default headroom: once this row's slot is taken,
    # the sender has no fresh one within the second a late call may wait.
    metered(adapter, monkeypatch, per_second=1.0)
    (message,) = queue(conversations(channel, 1))
    claim = claim_batch(1)
    (claimed,) = claim.sending
    claimed.slot = Slot(starts_at=0, local_start=time.monotonic() - 1.0)  # a stalled worker
    outcomes = send_all(claim.sending)
    assert settle_batch(outcomes)["late"] == 1
    assert adapter.sent == []  # sent late it would bunch with on-time sends
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    assert drain() == 1  # a later claim sends it, once
    assert len(adapter.sent) == 1


def test_a_call_on_a_sender_without_a_limit_is_never_late(channel, adapter):
    import time

    queue(conversations(channel, 1))
    claim = claim_batch(1)
    (claimed,) = claim.sending
    claimed.slot = Slot(starts_at=0, local_start=time.monotonic() - 1.0)
    (outcome,) = send_all(claim.sending)
    assert outcome[1].provider_message_id.startswith("R")  # no rate to break: sent
    assert len(adapter.sent) == 1


def test_a_late_call_on_a_metered_sender_takes_a_fresh_slot(channel, adapter, monkeypatch):
    import time

    metered(adapter, monkeypatch, per_second=5.0)
    queue(conversations(channel, 1))
    claim = claim_batch(1)
    (claimed,) = claim.sending
    stale = Slot(starts_at=0, local_start=time.monotonic() - 1.0)
    claimed.slot = stale
    (outcome,) = send_all(claim.sending)
    assert claimed.slot is not stale  # re-reserved from the shared limiter, then sent
    assert outcome[1].provider_message_id.startswith("R")
    assert len(adapter.sent) == 1


def test_a_batchs_calls_wait_for_their_answers_together_on_the_send_loop(
    channel, adapter, monkeypatch
):
    """Ten calls whose answers come only once all ten are in flight: sent one at a time
    (or on fewer threads than calls) they could never be answered."""
    import asyncio

    queue(conversations(channel, 10))
    claim = claim_batch(10)
    in_flight: list[str] = []
    all_in = asyncio.Event()
    threads: set[str] = set()

    async def asend(self, channel, *, to, content, message_id):
        threads.add(threading.current_thread().name)
        in_flight.append(message_id)
        if len(in_flight) == 10:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), timeout=10)
        return self.send(channel, to=to, content=content, message_id=message_id)

    monkeypatch.setattr(type(adapter), "asend", asend)
    outcomes = send_all(claim.sending)
    assert [type(result).__name__ for _c, result, _at in outcomes] == ["SendResult"] * 10
    assert threads == {"outbox-loop"}  # one loop thread carried every call
    assert settle_batch(outcomes)["sent"] == 10


def test_an_adapter_without_an_async_send_runs_it_off_the_loop(channel, adapter, monkeypatch):
    """The default asend: a blocking send must not stall the loop's other timers."""
    seen: list[str] = []
    original = type(adapter).send

    def send(self, *args, **kwargs):
        seen.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(adapter), "send", send)
    queue(conversations(channel, 3))
    assert drain() == 3
    assert len(seen) == 3 and all(name.startswith("outbox-send") for name in seen)


def _stale_slots(monkeypatch, count: int):
    """deliver's next `count` reservations come back already past (a stalled worker)."""
    import time

    from inbox.services.outbox import deliver as deliver_module

    slots = [Slot(starts_at=0, local_start=time.monotonic() - 1.0) for _ in range(count)]
    on_time = deliver_module.reserve_slot
    monkeypatch.setattr(
        deliver_module, "reserve_slot", lambda limit: slots.pop() if slots else on_time(limit)
    )


def test_a_single_path_call_that_missed_its_slot_takes_a_fresh_one(channel, adapter, monkeypatch):
    metered(adapter, monkeypatch, per_second=5.0)
    (message,) = queue(conversations(channel, 1))
    _stale_slots(monkeypatch, 1)
    assert deliver(str(message.pk)) == "sent"
    assert len(adapter.sent) == 1


def test_a_single_path_call_too_late_for_its_slot_is_not_sent(channel, adapter, monkeypatch):
    """As on the send loop: a worker thread that woke after its slot (a loaded machine,
    a slow claim), and after a fresh one too, gives the row back and asks again, instead
    of bunching the call with on-time sends."""
    from inbox.throttle import Throttled

    metered(adapter, monkeypatch, per_second=5.0)
    (message,) = queue(conversations(channel, 1))
    _stale_slots(monkeypatch, 2)
    with pytest.raises(Throttled):
        deliver(str(message.pk))
    assert adapter.sent == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    assert deliver(str(message.pk)) == "sent"  # asked again, on time: sent once
    assert len(adapter.sent) == 1


def test_an_uncached_reachability_lookup_runs_after_the_claim_commits(
    rich_conversation, rich, sms, adapter, monkeypatch
):
    """The adapter's cache is read with the rows locked; the provider (a batch lookup may
    take seconds) is asked only once the claim's transaction is over, and a second pass
    claims the rows it left queued with the answers."""
    outer = len(connection.atomic_blocks)  # the test's own transaction
    calls: list[tuple[str, int, str]] = []
    kind = type(adapter)
    real_many = kind.reachable_many

    def known_reachable_many(self, channel, addresses):
        calls.append(("cache", len(connection.atomic_blocks), ""))
        return dict.fromkeys(addresses)

    def reachable_many(self, channel, addresses):
        (message_id,) = Message.objects.filter(status=MessageStatus.QUEUED).values_list(
            "pk", flat=True
        )
        calls.append(("provider", len(connection.atomic_blocks), str(message_id)))
        return real_many(self, channel, addresses)

    monkeypatch.setattr(kind, "known_reachable_many", known_reachable_many, raising=False)
    monkeypatch.setattr(kind, "reachable_many", reachable_many)
    adapter.unreachable.add(CUSTOMER)
    message = send_message(rich_conversation, {"type": "text", "text": "hello"})
    claim = claim_batch(10)
    assert (claim.rows, claim.sending) == (1, [])  # moved to the fallback in this claim
    assert calls == [
        ("cache", outer + 1, ""),  # inside the claim transaction
        ("provider", outer, str(message.pk)),  # after it: the row still queued, unlocked
        ("cache", outer + 1, ""),  # the second pass
    ]
    message.refresh_from_db()
    assert (message.channel, message.fallback_from) == (sms, rich)
    assert drain() == 1 and [s["channel"] for s in adapter.sent] == ["SMS"]


def test_a_failed_reachability_lookup_means_just_try(rich_conversation, rich, adapter, monkeypatch):
    def broken(self, channel, addresses):
        raise TimeoutError("the provider's lookup timed out")

    monkeypatch.setattr(type(adapter), "reachable_many", broken)
    adapter.unreachable.add(CUSTOMER)  # never learnt: the lookup failed
    message = send_message(rich_conversation, {"type": "text", "text": "hello"})
    claim = claim_batch(10)
    assert [c.message.pk for c in claim.sending] == [message.pk]  # tried on RCS, once
    assert claim.rows == 1
