"""A published event is decoded and encoded once per web process, not once per socket.

The pub/sub layer (channels_redis.pubsub) receives a group's message once per process
and puts the same bytes in the queue of every socket in the group; each socket then
decoded them (msgpack) and encoded its frame (JSON) on its own: with 50 agents' tabs and
a campaign's replies arriving, that was 50 decodes and 50 encodes of one event on the
web process's one event loop (bench/inbound_e2e). Here the layer hands every socket
the same decoded message, and the consumer sends the same text, made once.

A message handed out by `RelayChannelLayer.receive` is shared by every socket that
gets it: handlers read it, never change it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping

from channels_redis.pubsub import RedisPubSubChannelLayer

# Enough for every event a burst puts in flight before each socket has taken it; a
# socket that falls further behind only decodes or encodes its own copy again.
RECENT = 512


class RelayChannelLayer(RedisPubSubChannelLayer):
    """channels_redis's pub/sub layer whose decoding of a received message is shared by
    the process's sockets (same bytes, same message object)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._decoded: OrderedDict[bytes, dict] = OrderedDict()
        self._lock = threading.Lock()  # one layer object serves every loop of the process

    def deserialize(self, message: bytes) -> dict:
        with self._lock:
            found = self._decoded.get(message)
        if found is not None:
            return found
        decoded = super().deserialize(message)
        with self._lock:
            self._decoded[message] = decoded
            if len(self._decoded) > RECENT:
                self._decoded.popitem(last=False)
        return decoded


def event_frame(message: Mapping) -> dict:
    """The socket frame for a relayed `inbox.event` (inbox/consumers.py's protocol):
    one event, or a "batch" (changes applied in one transaction) as one "events" frame."""
    payload = {k: v for k, v in message.items() if k != "type"}
    if payload.get("event") == "batch":
        return {
            "type": "events",
            "events": [{"type": "event", **event} for event in payload.get("events", [])],
        }
    return {"type": "event", **payload}


class FrameTexts:
    """The JSON text of a message's frame, made once for every socket relaying it.

    Keyed by the message object itself (the layer shares it between sockets); an entry
    holds its message, so its id cannot be reused while it is remembered."""

    def __init__(self, size: int = RECENT) -> None:
        self.size = size
        self._texts: OrderedDict[int, tuple[Mapping, str]] = OrderedDict()
        self.encoded = 0  # how many texts were made (tests count them)

    def text(self, message: Mapping) -> str:
        found = self._texts.get(id(message))
        if found is not None and found[0] is message:
            return found[1]
        # The same encoder as AsyncJsonWebsocketConsumer.send_json, so frames are unchanged.
        text = json.dumps(event_frame(message))
        self.encoded += 1
        self._texts[id(message)] = (message, text)
        if len(self._texts) > self.size:
            self._texts.popitem(last=False)
        return text


# Used on the web process's event loop only (the consumer's inbox_event).
frame_texts = FrameTexts()
