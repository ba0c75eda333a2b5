"""While Redis is unreachable, what is committed is answered as committed.

Redis only carries wake-ups (kick keys, Celery tasks) and caches; the database is the
record and beat's sweeps re-request what a lost wake-up left behind. So a webhook or a
reply committed while Redis is down must answer 2xx: an error answer would make the
provider or the API client send it again (tests/chaos/test_redis_restart.py does this
with a real Redis killed and restarted)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
import redis
from celery import current_app
from django.test import Client
from kombu import Connection
from kombu.exceptions import OperationalError

from channels_sms import sandbox
from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import HEADER, sign
from config import broker_reconnect
from inbox import jobs, redis_client, services
from inbox.adapters import InboundMessage
from inbox.fail_soft_cache import FailSoftRedisCache
from inbox.models import InboundEvent, Message

from .conftest import CUSTOMER

DEAD_SOCKET = "/nonexistent/redis.sock"


@pytest.fixture
def redis_down(monkeypatch):
    """Every Redis call of this process fails at once; so does sending a task."""
    dead = redis.Redis(unix_socket_path=DEAD_SOCKET, retry=None)
    monkeypatch.setattr(redis_client, "client", lambda: dead)

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker")

    monkeypatch.setattr(current_app, "send_task", refuse)


@pytest.fixture
def inbound_sms(workspace, settings):
    settings.INBOUND_EVENTS_INLINE = False  # the production path: a worker is woken
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config("+14155550199")
    )
    yield channel
    sandbox.reset(channel.config["account_sid"])


def test_a_webhook_committed_while_redis_is_down_answers_200(
    inbound_sms, transactional_db, redis_down
):
    url = inbound_sms.adapter.webhook_urls(inbound_sms)["inbound"]
    params = inbound_params(
        account_sid=inbound_sms.config["account_sid"],
        from_number=CUSTOMER,
        to_number=inbound_sms.config["from_number"],
        body="are you there?",
    )
    headers = {HEADER: sign(inbound_sms.secrets["auth_token"], url, params)}
    # Django's view path (the ASGI lane has its own test): no worker could be woken.
    response = Client().post(
        urlsplit(url).path,
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    assert response.status_code == 200
    event = InboundEvent.objects.get(dedupe_key=f"message:{params['MessageSid']}")
    assert event.applied_at is None  # waiting for beat's sweep
    assert services.apply_pending() == 1


def test_a_reply_queued_while_redis_is_down_is_committed_and_returned(
    channel, transactional_db, redis_down
):
    conversation = services.ingest(
        channel,
        [
            InboundMessage(
                provider_message_id="R1",
                sender=CUSTOMER,
                recipient="+15550001",
                content={"type": "text", "text": "hi"},
                text="hi",
            )
        ],
    )[0].conversation
    message = services.send_message(conversation, {"type": "text", "text": "on my way"})
    assert Message.objects.get(pk=message.pk).status == "queued"  # the sweep requests it


def test_a_task_asked_for_after_a_commit_does_not_raise_when_the_broker_is_down(
    transactional_db, redis_down, caplog
):
    jobs.enqueue_on_commit(jobs.DELIVER_MESSAGE, "m-1")  # outside a transaction: at once
    assert "broker unavailable" in caplog.text


def test_the_cache_reads_as_empty_and_skips_writes_while_redis_is_down():
    cache = FailSoftRedisCache(f"unix://{DEAD_SOCKET}", {})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    cache.set_many({"k": 1})
    assert cache.delete("k") is False
    cache.delete_many(["k"])
    assert cache.has_key("k") is False


def test_the_cache_reads_and_writes_redis_when_it_is_up(settings):
    cache = FailSoftRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-fail-soft"})
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    assert cache.delete("k") is True


def test_a_broker_channel_closed_after_its_connection_was_collected_raises_a_connection_error(
    settings,
):
    """Celery collects a lost connection and then closes it; closing the channel rebuilds
    a Redis client from the collected transport. Stock kombu raises AttributeError
    there, which kills the worker; config/broker_reconnect.py makes it the connection
    error Celery ignores on its way to reconnecting."""
    broker_reconnect.install()
    connection = Connection(settings.CELERY_BROKER_URL)
    try:
        channel = connection.default_channel
        channel._pool = None  # built lazily: a consumer polls on its async pool
        connection._do_close_transport()  # what collect() leaves behind
        with pytest.raises(redis.ConnectionError) as raised:
            channel._connparams()
        assert isinstance(raised.value, channel.connection_errors)
    finally:
        connection.release()


def test_a_campaign_progress_touch_after_a_commit_skips_the_frame(redis_down, caplog):
    from inbox.realtime import campaign_progress

    campaign_progress._open_until.pop(424242, None)
    campaign_progress.touch(424242)  # raised into the committed change before
    assert "progress frame skipped" in caplog.text
