"""Webhooks commit events; a worker applies them. Nothing lost, nothing doubled."""

import pytest

from inbox.adapters import ConsentChange, InboundMessage, StatusUpdate, TypingIndicator
from inbox.models import Consent, InboundEvent, Message
from inbox.services import accept, apply_pending

from .conftest import CUSTOMER


@pytest.fixture(autouse=True)
def _worker_mode(settings):
    settings.INBOUND_EVENTS_INLINE = False  # apply explicitly, as the worker would


def text(pid, body="hi"):
    return InboundMessage(
        provider_message_id=pid,
        sender=CUSTOMER,
        recipient="+15550001",
        content={"type": "text", "text": body},
        text=body,
    )


def test_accept_commits_the_event_and_applies_nothing_yet(channel):
    accept(channel, [text("A1")])
    row = InboundEvent.objects.get()
    assert row.applied_at is None
    assert row.dedupe_key == "message:A1"
    assert Message.objects.count() == 0
    assert apply_pending() == 1
    message = Message.objects.get()
    assert message.created_at == row.received_at  # arrival time orders the thread
    assert InboundEvent.objects.get().applied_at is not None


def test_provider_retry_is_absorbed_at_the_door(channel):
    accept(channel, [text("A1")])
    accept(channel, [text("A1")])
    assert InboundEvent.objects.count() == 1
    apply_pending()
    assert Message.objects.count() == 1


def test_same_status_twice_is_one_event_but_each_status_counts(channel):
    accept(channel, [StatusUpdate("P9", "sent")])
    accept(channel, [StatusUpdate("P9", "sent")])
    accept(channel, [StatusUpdate("P9", "delivered")])
    assert InboundEvent.objects.count() == 2


def test_one_webhooks_events_apply_in_their_order(channel):
    accept(channel, [text("S1", "STOP"), ConsentChange(CUSTOMER, "opt_out", "STOP")])
    apply_pending()
    assert Consent.objects.get().opted_out
    assert Message.objects.filter(direction="internal").count() == 1  # the note has a thread


def test_typing_is_not_stored(channel):
    assert accept(channel, [TypingIndicator(sender=CUSTOMER)]) is False
    assert InboundEvent.objects.count() == 0


def _batch_through_ingest(monkeypatch) -> None:
    """A batch's customer messages (set-based in ingest_messages) through the patched
    ingest(), so a test's broken ingest fails the batched path and the one-by-one alike."""
    from inbox.services import inbound_queue

    monkeypatch.setattr(
        inbound_queue,
        "ingest_messages",
        lambda items: [inbound_queue.ingest(c, [e])[0] for c, e in items],
    )


def test_an_event_that_fails_stays_pending_with_its_error(channel, monkeypatch):
    from inbox.services import inbound_queue

    def broken(channel, events):
        raise RuntimeError("boom")

    monkeypatch.setattr(inbound_queue, "ingest", broken)
    _batch_through_ingest(monkeypatch)
    accept(channel, [text("A1")])
    assert apply_pending() == 0
    row = InboundEvent.objects.get()
    assert row.applied_at is None
    assert "RuntimeError: boom" in row.error
    monkeypatch.undo()
    assert apply_pending() == 1
    assert Message.objects.count() == 1


def test_a_poison_event_is_set_aside_and_stops_blocking_the_queue(channel, monkeypatch):
    from inbox.services import inbound_queue

    real_ingest = inbound_queue.ingest

    def poison_only_p1(channel, events):
        if events[0].provider_message_id == "P1":
            raise RuntimeError("cannot apply")
        return real_ingest(channel, events)

    monkeypatch.setattr(inbound_queue, "ingest", poison_only_p1)
    _batch_through_ingest(monkeypatch)
    accept(channel, [text("P1")])
    for attempt in range(1, inbound_queue.MAX_APPLY_ATTEMPTS):
        apply_pending(limit=1)  # the poison event is the queue's head every time
        assert InboundEvent.objects.get().attempts == attempt
        assert InboundEvent.objects.get().gave_up_at is None
    apply_pending(limit=1)
    poison = InboundEvent.objects.get()
    assert poison.gave_up_at is not None and poison.applied_at is None
    assert poison.events  # its payload is kept for a person to replay

    accept(channel, [text("A2")])
    assert apply_pending(limit=1) == 1  # the head is no longer the poison event
    assert Message.objects.filter(provider_message_id="A2").exists()
