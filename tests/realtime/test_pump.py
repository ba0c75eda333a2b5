"""The publishing thread speaks the pub/sub layer's format, keeps order, never fails a write."""

from __future__ import annotations

import asyncio
import logging

from channels.layers import channel_layers

from inbox.realtime.pump import Pump


async def test_events_reach_a_group_subscriber_in_order():
    layer = channel_layers.make_backend("default")
    channel = await layer.new_channel()
    await layer.group_add("pump-test", channel)
    pump = Pump()
    try:
        for n in range(20):
            pump.send("pump-test", {"type": "inbox.event", "n": n})
        got = [(await asyncio.wait_for(layer.receive(channel), 5))["n"] for _ in range(20)]
        assert got == list(range(20))
    finally:
        await layer.flush()


def test_a_layer_it_cannot_publish_to_turns_realtime_off_instead_of_failing_writes(
    settings, caplog
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    pump = Pump()
    with caplog.at_level(logging.ERROR, logger="inbox.realtime.pump"):
        pump.send("ws-1", {"type": "inbox.event"})
        pump.send("ws-1", {"type": "inbox.event"})
    assert [r.message for r in caplog.records].count(
        "realtime is off: inbox.realtime publishes with "
        "channels_redis.pubsub.RedisPubSubChannelLayer only"
    ) == 1
    pump.flush(timeout=0.1)  # nothing was queued, so nothing to wait for
