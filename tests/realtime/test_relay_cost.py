"""A relayed live event costs the web process no thread hop (inbox/consumers.py dispatch):
with fifty tabs open every published event reaches fifty sockets."""

from __future__ import annotations

import channels.consumer
import pytest
from channels.layers import get_channel_layer

from inbox import realtime
from tests.realtime.sockets import TIMEOUT, connected, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_relayed_event_skips_the_database_connection_cleanup(world, monkeypatch):
    calls = []
    real = channels.consumer.aclose_old_connections

    async def counting():
        calls.append(1)
        return await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counting)
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"workspace": "acme"}})
        assert await ws.receive_json_from(TIMEOUT) == {"type": "subscribed", "workspace": "acme"}
        assert calls  # a browser's command still goes through channels' own dispatch
        calls.clear()
        await get_channel_layer().group_send(
            realtime.workspace_group(world["acme"].workspace_id),
            {"type": "inbox.event", "event": "conversation.updated", "conversation_id": 7},
        )
        frame = await next_frame(ws)
        assert frame == {"type": "event", "event": "conversation.updated", "conversation_id": 7}
        assert calls == []
    finally:
        await ws.disconnect(timeout=TIMEOUT)
