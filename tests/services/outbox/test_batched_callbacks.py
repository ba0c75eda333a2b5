"""A drain batch's live events ("sending", then "sent") cost one after-commit callback per
batch, not a few per message, and keep every signal and frame in order; the merge into
one callback never reorders other after-commit work nor outlives a rolled-back
savepoint (inbox/realtime/publish.py `batched`)."""

from __future__ import annotations

import pytest
from django.db import transaction

from inbox import realtime, signals
from inbox.realtime import publish
from inbox.services.outbox.claim import claim_batch
from inbox.services.outbox.send import send_all
from inbox.services.outbox.settle import settle_batch

from .test_drain import conversations, queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """(message id, status) of every message_changed signal, as listeners get them."""
    got: list[tuple[str, str]] = []

    def listener(sender, message, created, **kwargs):
        got.append((str(message.pk), message.status))

    signals.message_changed.connect(listener, dispatch_uid="test-batched-callbacks")
    yield got
    signals.message_changed.disconnect(dispatch_uid="test-batched-callbacks")


@pytest.fixture
def frames(monkeypatch):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(publish, "_send", lambda group, payload: sent.append((group, payload)))
    return sent


def _callbacks_for_a_batch(channel, count, capture, prefix) -> tuple[int, int]:
    queue(conversations(channel, count, prefix=prefix))
    claim = claim_batch(count)
    with capture() as sending:
        outcomes = send_all(claim.sending)
    with capture() as sent:
        assert settle_batch(outcomes)["sent"] == count
    return len(sending), len(sent)


def test_a_batchs_callbacks_do_not_grow_with_its_size(
    channel, adapter, django_capture_on_commit_callbacks
):
    three = _callbacks_for_a_batch(channel, 3, django_capture_on_commit_callbacks, "+1415555")
    thirty = _callbacks_for_a_batch(channel, 30, django_capture_on_commit_callbacks, "+1415666")
    assert three == thirty == (1, 1)  # was 3 a message for "sending", 3 for "sent"


def test_every_signal_and_frame_of_a_batch_arrives_in_order(
    channel, adapter, heard, frames, workspace, django_capture_on_commit_callbacks
):
    messages = queue(conversations(channel, 4))
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_batch(4)
    frames.clear(), heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = send_all(claim.sending)
    with django_capture_on_commit_callbacks(execute=True):
        settle_batch(outcomes)
    order = [str(c.message.pk) for c in claim.sending]
    settled = sorted(order)  # the record locks (and reports) its rows by primary key
    assert heard == [(pk, "sending") for pk in order] + [(pk, "sent") for pk in settled]
    for message in messages:  # each thread: its two updates, in order
        group = f"conv-{message.conversation_id}"
        assert [p["status"] for g, p in frames if g == group] == ["sending", "sent"]
    ws = [p for g, p in frames if g == f"ws-{workspace.pk}"]
    assert [p["event"] for p in ws] == ["batch", "batch"]
    assert [(e["message_id"], e["status"]) for p in ws for e in p["events"]] == heard


def test_other_after_commit_work_keeps_its_place(
    channel, adapter, heard, frames, django_capture_on_commit_callbacks
):
    first, second = queue(conversations(channel, 2))
    ran = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with realtime.batched():
            realtime.message_changed(first)
            transaction.on_commit(lambda: ran.append(list(heard)))
            realtime.message_changed(second)
    assert len(callbacks) == 3  # ours, theirs, ours (with the frames)
    assert ran == [[(str(first.pk), first.status)]]  # ran after first's signal, before second's
    assert [h[0] for h in heard] == [str(first.pk), str(second.pk)]
    assert len(frames) == 3  # two threads, one workspace batch


def test_a_rolled_back_savepoints_signal_is_not_sent(
    channel, adapter, heard, frames, django_capture_on_commit_callbacks
):
    first, second = queue(conversations(channel, 2))
    with django_capture_on_commit_callbacks(execute=True):
        with realtime.batched():
            realtime.message_changed(first)
            try:
                with transaction.atomic():
                    realtime.message_changed(second)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
    assert heard == [(str(first.pk), first.status)]


def test_one_failing_call_does_not_stop_the_rest(
    channel, adapter, heard, frames, django_capture_on_commit_callbacks, caplog
):
    first, second = queue(conversations(channel, 2))

    def boom():
        raise RuntimeError("boom")

    with django_capture_on_commit_callbacks(execute=True):
        with realtime.batched():
            realtime.message_changed(first)
            publish._on_commit(boom)
            realtime.message_changed(second)
    assert [h[0] for h in heard] == [str(first.pk), str(second.pk)]
    assert len(frames) == 3
    assert "after-commit publication failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_block_publishes_at_its_end(channel, adapter, heard, frames):
    first, second = queue(conversations(channel, 2))
    heard.clear(), frames.clear()
    with realtime.batched():
        realtime.message_changed(first)
        realtime.message_changed(second)
        assert heard == [] and frames == []
    assert [h[0] for h in heard] == [str(first.pk), str(second.pk)]
    assert len(frames) == 3
