"""A published event is decoded and encoded once per web process, however many sockets
relay it (inbox/realtime/relay.py): with fifty agents' tabs open, fifty times less work
on the event loop that also answers webhooks."""

from __future__ import annotations

import json

import pytest
from channels.layers import get_channel_layer

from inbox import realtime
from inbox.realtime import relay
from scripts import web_server
from tests.realtime.sockets import TIMEOUT, connected, next_frame

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 5


async def test_one_event_to_many_sockets_is_decoded_and_encoded_once(world, monkeypatch):
    layer = get_channel_layer()
    assert isinstance(layer, relay.RelayChannelLayer)
    decoded, encoded = [], []
    serializer = layer._serializer
    real_deserialize, real_dumps = serializer.deserialize, relay.json.dumps

    def counting_deserialize(raw):
        message = real_deserialize(raw)
        decoded.append(message)
        return message

    def counting_dumps(frame, *args, **kwargs):
        encoded.append(frame)
        return real_dumps(frame, *args, **kwargs)

    monkeypatch.setattr(serializer, "deserialize", counting_deserialize)
    monkeypatch.setattr(relay.json, "dumps", counting_dumps)
    tabs = [await connected(world["cookie"]) for _ in range(TABS)]
    try:
        for ws in tabs:
            await ws.send_json_to({"subscribe": {"workspace": "acme"}})
            assert await next_frame(ws) == {"type": "subscribed", "workspace": "acme"}
        event = {"event": "conversation.updated", "conversation_id": 7, "assignee_id": None}
        await layer.group_send(
            realtime.workspace_group(world["acme"].workspace_id), {"type": "inbox.event", **event}
        )
        frames = [await next_frame(ws) for ws in tabs]
        assert frames == [{"type": "event", **event}] * TABS
        assert len([m for m in decoded if m.get("conversation_id") == 7]) == 1
        assert len([f for f in encoded if f.get("conversation_id") == 7]) == 1
    finally:
        for ws in tabs:
            await ws.disconnect(timeout=TIMEOUT)


async def test_a_batch_is_one_events_frame_made_once(world, monkeypatch):
    encoded = []
    real_dumps = relay.json.dumps
    monkeypatch.setattr(
        relay.json, "dumps", lambda frame, *a, **k: encoded.append(frame) or real_dumps(frame)
    )
    tabs = [await connected(world["cookie"]) for _ in range(2)]
    try:
        for ws in tabs:
            await ws.send_json_to({"subscribe": {"workspace": "acme"}})
            assert await next_frame(ws) == {"type": "subscribed", "workspace": "acme"}
        events = [
            {"event": "message.created", "conversation_id": 3, "message_id": "a", "status": "x"},
            {"event": "conversation.updated", "conversation_id": 3, "assignee_id": 9},
        ]
        await get_channel_layer().group_send(
            realtime.workspace_group(world["acme"].workspace_id),
            {"type": "inbox.event", "event": "batch", "events": events},
        )
        want = {"type": "events", "events": [{"type": "event", **e} for e in events]}
        assert [await next_frame(ws) for ws in tabs] == [want, want]
        assert [f for f in encoded if f.get("type") == "events"] == [want]
    finally:
        for ws in tabs:
            await ws.disconnect(timeout=TIMEOUT)


def test_frame_texts_match_the_json_consumer_and_forget_old_messages():
    texts = relay.FrameTexts(size=2)
    first = {"type": "inbox.event", "event": "presence", "user_id": 1, "name": "Zoë"}
    text = texts.text(first)
    # What AsyncJsonWebsocketConsumer.send_json sent before: json.dumps of the frame.
    assert text == json.dumps({"type": "event", "event": "presence", "user_id": 1, "name": "Zoë"})
    assert texts.text(first) is text
    assert texts.encoded == 1
    # An equal but distinct message (another decode) is encoded again, not mixed up.
    assert texts.text(dict(first)) == text
    assert texts.encoded == 2
    texts.text({"type": "inbox.event", "event": "x"})
    texts.text(first)  # pushed out by the two newer ones: made again
    assert texts.encoded == 4


def test_the_layer_hands_out_one_decoded_message_per_payload():
    layer = relay.RelayChannelLayer(hosts=["redis://127.0.0.1:1"])
    raw = layer.serialize({"type": "inbox.event", "n": 1})
    assert layer.deserialize(raw) is layer.deserialize(bytes(raw))
    assert layer.deserialize(raw) == {"type": "inbox.event", "n": 1}
    for n in range(relay.RECENT + 1):
        layer.deserialize(layer.serialize({"n": n}))
    assert len(layer._decoded) == relay.RECENT


def test_websocket_compression_is_off_unless_asked_for():
    argv = web_server.uvicorn_command(host="127.0.0.1", port=8000, environ={})
    assert argv[argv.index("--ws-per-message-deflate") + 1] == "false"
    argv = web_server.uvicorn_command(
        host="127.0.0.1", port=8000, environ={"WS_PER_MESSAGE_DEFLATE": "true"}
    )
    assert argv[argv.index("--ws-per-message-deflate") + 1] == "true"
