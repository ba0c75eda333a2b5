"""The async webhook lane answers as the view does, and a 2xx means the row is committed."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.db import connections

from channels_sms.signature import sign
from inbox import redis_client, webhook_lane
from inbox.models import InboundEvent
from inbox.services import inbound_queue
from inbox.webhook_lane import close_pool, lane_view

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

CUSTOMER = "+14155550100"


@pytest.fixture(autouse=True)
def _worker_mode(settings, monkeypatch):
    settings.INBOUND_EVENTS_INLINE = False  # the lane is the worker-mode path
    # The test reads the committed rows itself; no worker is woken, and no wake-up key
    # is left set (it would tell later tests' webhooks that a worker is already awake).
    monkeypatch.setattr(inbound_queue, "kick", lambda: None)
    monkeypatch.setattr(webhook_lane, "_kick", _no_kick)


async def _no_kick() -> None:
    return None


REAL_KICK = webhook_lane._kick


@pytest.fixture(autouse=True)
async def _close_the_lane_pool():
    yield
    await close_pool()  # its connections would keep the test database from being dropped
    await sync_to_async(connections.close_all)()  # asgiref's shared thread's, likewise


def inbound(sid: str) -> dict:
    return {
        "MessageSid": sid,
        "From": CUSTOMER,
        "To": "+15550009999",
        "Body": "hi",
        "NumMedia": "0",
    }


async def post(channel, params: dict, *, path_tail: str = "", signature: str | None = None):
    from config.asgi import application

    path = f"/webhooks/sms/{channel.webhook_token}/{path_tail}"
    token = (await sync_to_async(lambda: channel.secrets)())["auth_token"]
    signed = sign(token, django_settings.PUBLIC_BASE_URL + path, params)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        return await http.post(
            path,
            content=urlencode(params),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature if signature is not None else signed,
            },
        )


async def test_the_shared_pipeline_takes_the_lane_and_a_handshake_view_does_not():
    from channels_sms.views import SmsWebhookView

    assert lane_view("/webhooks/sms/tok/") is SmsWebhookView
    assert lane_view("/webhooks/sms/tok/status/") is SmsWebhookView
    assert lane_view("/webhooks/rcs/tok/") is None  # RCS answers its own handshake
    assert lane_view("/webhooks/whatsapp/tok/") is None  # template reviews after the ack
    assert lane_view("/inbox/") is None


async def test_a_signed_message_is_committed_before_the_2xx(channel):
    response = await post(channel, inbound("SM1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    row = await InboundEvent.objects.aget()
    assert (row.kind, row.dedupe_key, row.applied_at) == ("InboundMessage", "message:SM1", None)


async def test_the_lane_wakes_a_worker_once_while_one_is_awake(channel, monkeypatch):
    woken = []
    monkeypatch.setattr(webhook_lane, "_kick", REAL_KICK)
    monkeypatch.setattr(inbound_queue, "wake_worker", lambda: woken.append(1))
    await redis_client.async_client().delete(inbound_queue.KICK_KEY)
    assert (await post(channel, inbound("SM1"))).status_code == 200
    assert (await post(channel, inbound("SM2"))).status_code == 200
    await webhook_lane.kicks_sent()  # the second's, if it came inside the first's window
    assert woken == [1]  # the second found the key: a worker is already awake
    assert await redis_client.async_client().exists(inbound_queue.KICK_KEY)
    await redis_client.async_client().delete(inbound_queue.KICK_KEY)


async def test_a_webhook_committed_inside_the_window_is_woken_for_at_its_end(channel, monkeypatch):
    """Coalesced wake-ups: the first webhook's SET NX finds a worker awake (the key is
    set) and then the worker stands down (deletes it); the second, inside the window,
    sends no SET of its own, but the wake-up owed to it at the window's end does."""
    woken, window_over = [], asyncio.Event()

    async def until_the_window_ends(seconds: float) -> None:
        await window_over.wait()

    monkeypatch.setattr(webhook_lane, "_kick", REAL_KICK)
    monkeypatch.setattr(webhook_lane, "_sleep", until_the_window_ends)
    # The clock stands still: on a loaded machine the two posts may be more than the
    # window apart in real time, and the second would then send its own SET.
    monkeypatch.setattr(webhook_lane, "_clock", lambda: 1000.0)
    monkeypatch.setattr(webhook_lane, "_kicked_at", float("-inf"))
    monkeypatch.setattr(inbound_queue, "wake_worker", lambda: woken.append(1))
    await redis_client.async_client().set(inbound_queue.KICK_KEY, 1)  # a worker is awake
    assert (await post(channel, inbound("SM1"))).status_code == 200
    assert woken == []
    await redis_client.async_client().delete(inbound_queue.KICK_KEY)  # it stood down
    assert (await post(channel, inbound("SM2"))).status_code == 200
    assert woken == []  # no SET yet: the window is still open
    window_over.set()
    await webhook_lane.kicks_sent()
    assert woken == [1]
    await redis_client.async_client().delete(inbound_queue.KICK_KEY)


async def test_a_retry_is_absorbed(channel):
    assert (await post(channel, inbound("SM1"))).status_code == 200
    assert (await post(channel, inbound("SM1"))).status_code == 200
    assert await InboundEvent.objects.acount() == 1


async def test_a_status_callback_is_committed(channel):
    params = {"MessageSid": "SM9", "MessageStatus": "delivered", "To": CUSTOMER}
    response = await post(channel, params, path_tail="status/")
    assert response.status_code == 200
    row = await InboundEvent.objects.aget()
    assert row.kind == "StatusUpdate"


async def test_a_forged_signature_is_refused_and_nothing_is_stored(channel):
    response = await post(channel, inbound("SM1"), signature="forged")
    assert response.status_code == 403
    assert await InboundEvent.objects.acount() == 0


async def test_an_unknown_channel_is_404(channel):
    from config.asgi import application

    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        response = await http.post("/webhooks/sms/no-such-token/", content=b"a=b")
    assert response.status_code == 404
    assert await InboundEvent.objects.acount() == 0


async def test_a_channel_deleted_while_remembered_is_404_as_an_unknown_one(channel):
    """The lane remembers a channel for CHANNEL_CACHE_SECONDS; a webhook for one deleted
    meanwhile finds no row to refer to (the insert's foreign key): answered as for a
    channel that does not exist, and forgotten, so the next one does not try again."""
    from inbox import webhooks

    assert (await post(channel, inbound("SM1"))).status_code == 200  # now remembered
    token = channel.webhook_token
    await InboundEvent.objects.all().adelete()
    await sync_to_async(channel.delete)()
    assert webhooks.cached_channel("sms", token) is not webhooks.NOT_CACHED
    response = await post(channel, inbound("SM2"))
    assert response.status_code == 404
    assert response.text == "unknown channel\n"
    assert webhooks.cached_channel("sms", token) is webhooks.NOT_CACHED
    assert await InboundEvent.objects.acount() == 0


async def test_the_database_down_while_the_channel_is_looked_up_is_503(channel, monkeypatch):
    """Not a 500 with a traceback: the provider is told to try again, as when the insert
    finds the server down."""
    from django.db import OperationalError

    from inbox import webhooks

    def server_down(kind, token):
        raise OperationalError("connection refused")

    monkeypatch.setattr(webhooks, "active_channel", server_down)
    webhooks.forget_channel("sms", channel.webhook_token)
    response = await post(channel, inbound("SM1"))
    assert response.status_code == 503
    assert await InboundEvent.objects.acount() == 0


async def test_a_dead_pooled_connection_met_by_the_channel_lookup_is_tried_again(
    channel, monkeypatch
):
    """After a PostgreSQL restart Django's pool hands out each dead connection once (it
    fails at once and is discarded): the lookup is tried again, the webhook accepted."""
    from django.db import OperationalError

    from inbox import webhooks

    real, calls = webhooks.active_channel, []

    def dead_connection_first(kind, token):
        calls.append(token)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(kind, token)

    monkeypatch.setattr(webhooks, "active_channel", dead_connection_first)
    webhooks.forget_channel("sms", channel.webhook_token)
    assert (await post(channel, inbound("SM1"))).status_code == 200
    assert len(calls) == 2
    assert await InboundEvent.objects.acount() == 1


async def test_an_unparseable_webhook_is_400_and_nothing_is_stored(channel):
    response = await post(channel, {"From": CUSTOMER, "Body": "no sid"})
    assert response.status_code == 400
    assert await InboundEvent.objects.acount() == 0


async def test_webhooks_arriving_together_are_each_committed_and_a_retry_among_them_absorbed(
    channel,
):
    """Rows waiting together share one INSERT (inbox/group_commit.py); each webhook is
    still answered 200 only once its row is committed."""
    sids = ["SM1", "SM2", "SM3", "SM1"]
    responses = await asyncio.gather(*(post(channel, inbound(sid)) for sid in sids))
    assert [r.status_code for r in responses] == [200] * 4
    keys = [key async for key in InboundEvent.objects.values_list("dedupe_key", flat=True)]
    assert sorted(keys) == ["message:SM1", "message:SM2", "message:SM3"]


async def test_a_channel_lookup_outlasts_every_dead_connection_of_djangos_pool(monkeypatch):
    """After a PostgreSQL restart each idle connection of Django's pool fails its next
    caller once, at once: the lookup tries again past all of them (a busy pool held more
    than the four it used to try, and a provider's webhook was refused 503 with the
    server back)."""
    from django.db import OperationalError

    from inbox import webhooks

    pool_size = 16  # DB_POOL_MAX_SIZE's default (this test process runs without the pool)
    dead = iter(range(pool_size))
    found = object()

    def lookup(kind, token):
        if next(dead, None) is not None:
            raise OperationalError("terminating connection due to administrator command")
        return found

    options = django_settings.DATABASES["default"].setdefault("OPTIONS", {})
    monkeypatch.setitem(options, "pool", {"max_size": pool_size})
    monkeypatch.setattr(webhooks, "active_channel", lookup)
    assert await webhook_lane._active_channel("sms", "token") is found
