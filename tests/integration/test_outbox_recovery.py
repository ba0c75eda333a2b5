"""The outbox survives a worker that is down and a broker message that is lost."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channels_sms import sandbox
from inbox import services
from inbox.models import Conversation, Message
from inbox.services.outbox import enqueue
from inbox.tasks import deliver_message
from tests.support import processes

pytestmark = pytest.mark.worker

CUSTOMER = "+14155550123"


def wait_for_status(message_id, statuses, timeout=60.0) -> Message:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = Message.objects.get(pk=message_id)
        if message.status in statuses:
            return message
        time.sleep(0.2)
    raise AssertionError(f"message stayed {Message.objects.get(pk=message_id).status}")


def wait_for_conversation(timeout: float = 30.0) -> Conversation:
    """The webhook's event is applied here, or by a worker if one is already running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        services.apply_pending()
        conversation = Conversation.objects.filter(contact__identities__value=CUSTOMER).first()
        if conversation:
            return conversation
        time.sleep(0.1)
    raise AssertionError("the inbound webhook's event was never applied")


def route_deliveries_to(queue: str, monkeypatch) -> None:
    """Send delivery tasks to another real queue (the broker still holds them)."""

    def first_attempt(message) -> None:
        transaction.on_commit(lambda: deliver_message.apply_async((str(message.pk),), queue=queue))

    monkeypatch.setattr(enqueue, "first_attempt", first_attempt)


@pytest.fixture
def conversation(workspace, asgi_server, live_settings):
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config("+14155550100")
    )
    sandbox.set_controls(channel.config["account_sid"], callbacks="off")
    assert sandbox.simulate_inbound(channel, CUSTOMER, "hello?").status_code == 200
    yield wait_for_conversation()
    sandbox.reset(channel.config["account_sid"])


def test_reply_sent_while_worker_is_down_goes_out_when_it_starts(
    conversation, transactional_db, public_base_url, monkeypatch
):
    queue = f"late-{uuid.uuid4().hex[:8]}"
    route_deliveries_to(queue, monkeypatch)  # a queue nobody consumes yet
    text = f"Sorry, on it ({uuid.uuid4().hex[:6]})"  # the handset log outlives tests
    reply = services.send_message(conversation, {"type": "text", "text": text})
    monkeypatch.undo()
    broker = redis.Redis.from_url(settings.REDIS_URL)
    assert broker.llen(queue) == 1  # the task waits in the real broker, nobody consumes it
    assert Message.objects.get(pk=reply.pk).status == "queued"

    env = processes.child_env(PUBLIC_BASE_URL=public_base_url)
    worker = processes.start_worker(env, name="late", queues=(queue,))
    try:
        sent = wait_for_status(reply.pk, {"sent", "failed"})
    finally:
        worker.stop()
    assert sent.status == "sent", sent.error_message
    assert sent.attempts == 1
    handset = sandbox.handset_messages(CUSTOMER)
    assert [m["body"] for m in handset].count(text) == 1


def test_lost_broker_message_is_recovered_by_the_sweep(
    conversation, celery_worker, settings, monkeypatch
):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 60
    route_deliveries_to("nobody-listens", monkeypatch)
    text = f"Lost and found ({uuid.uuid4().hex[:6]})"
    reply = services.send_message(conversation, {"type": "text", "text": text})
    monkeypatch.undo()
    redis.Redis.from_url(settings.REDIS_URL).delete("nobody-listens")  # the broker lost it
    Message.objects.filter(pk=reply.pk).update(queued_at=timezone.now() - timedelta(minutes=5))

    assert services.requeue_stuck() == {"requeued": 1, "unknown_outcome": 0}
    sent = wait_for_status(reply.pk, {"sent", "failed"})
    assert sent.status == "sent", sent.error_message
    assert [m["body"] for m in sandbox.handset_messages(CUSTOMER)].count(text) == 1
