"""Handing candidates to a runner through the Redis stream: the receiver's one round trip,
the runner's drain, and an entry a dead worker had taken run again, once."""

from __future__ import annotations

import pytest

from automations.models import AutomationRun
from automations.receivers import on_message_changed
from automations.services import run_queue
from inbox.models import Message
from inbox.redis_client import text_client

from .conftest import bot_messages, inbound


@pytest.fixture(autouse=True)
def _own_stream():
    """An empty stream, and the wake-up key held: no session worker is asked to run (it
    could not see this test's uncommitted rows)."""
    r = text_client()
    r.delete(run_queue.STREAM)
    r.set(run_queue.KICK_KEY, 1)
    yield r
    r.delete(run_queue.STREAM, run_queue.KICK_KEY)


def test_receiver_appends_and_the_runner_drains(sms_channel, customer, dialog_rules, _own_stream):
    message, _ = inbound(sms_channel, "saldo", run=False)
    on_message_changed(sender=Message, message=message, created=True)
    ((_id, fields),) = _own_stream.xrange(run_queue.STREAM)
    assert fields == {"m": str(message.pk), "r": str(dialog_rules[0].pk)}
    assert run_queue.drain() == 1
    assert len(bot_messages(message.conversation)) == 1
    assert _own_stream.xlen(run_queue.STREAM) == 0
    assert not _own_stream.exists(run_queue.KICK_KEY)  # stood down


def test_a_message_no_rule_matches_is_not_appended(
    sms_channel, customer, dialog_rules, _own_stream
):
    message, _ = inbound(sms_channel, "hola", run=False)
    on_message_changed(sender=Message, message=message, created=True)
    assert _own_stream.xlen(run_queue.STREAM) == 0


def test_an_entry_a_dead_worker_took_runs_again_once(
    sms_channel, customer, dialog_rules, _own_stream, monkeypatch
):
    message, _ = inbound(sms_channel, "saldo", run=False)
    on_message_changed(sender=Message, message=message, created=True)
    run_queue._ensure_group(_own_stream)
    taken = _own_stream.xreadgroup(run_queue.GROUP, "dead", {run_queue.STREAM: ">"}, count=10)
    assert len(taken[0][1]) == 1  # read, never acknowledged: the worker died
    assert run_queue.drain() == 0  # not idle long enough yet
    monkeypatch.setattr(run_queue, "CLAIM_IDLE_MS", 0)
    assert run_queue.drain() == 1
    assert run_queue.drain() == 0
    assert len(bot_messages(message.conversation)) == 1
    assert AutomationRun.objects.filter(message=message).count() == 1


def test_one_bad_entry_does_not_stop_the_others(sms_channel, customer, dialog_rules, _own_stream):
    _own_stream.xadd(run_queue.STREAM, {"m": "not-a-uuid", "r": "x"})
    message, _ = inbound(sms_channel, "saldo", run=False)
    on_message_changed(sender=Message, message=message, created=True)
    assert run_queue.drain() == 2
    assert len(bot_messages(message.conversation)) == 1
