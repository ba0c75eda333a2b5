"""A batch of inbound events applied in one transaction reaches a socket as one frame."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from inbox.adapters import InboundMessage
from inbox.models import Message
from inbox.services import accept, apply_pending, inbound_queue
from tests.realtime.sockets import TIMEOUT, connected, next_frame

pytestmark = pytest.mark.django_db(transaction=True)


def _apply_two_replies(channel) -> set[str]:
    for n, sender in enumerate(("+15551230001", "+15551230077")):
        accept(
            channel,
            [
                InboundMessage(
                    provider_message_id=f"batch-{n}",
                    sender=sender,
                    recipient="+15550000000",
                    content={"type": "text", "text": "reply"},
                    text="reply",
                )
            ],
        )
    assert apply_pending() == 2
    return {
        str(pk)
        for pk in Message.objects.filter(provider_message_id__startswith="batch-").values_list(
            "pk", flat=True
        )
    }


async def test_a_batch_is_one_frame_with_every_change_in_order(world, settings, monkeypatch):
    settings.INBOUND_EVENTS_INLINE = False  # applied as the worker applies
    # This test applies the batch itself: a session Celery worker woken by the kick
    # could take the events first, one partition each, with its own settings.
    monkeypatch.setattr(inbound_queue, "kick", lambda: None)
    settings.INBOUND_APPLY_PARTITIONS = 1  # both replies in one batch
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"workspace": "acme"}})
        assert await ws.receive_json_from(TIMEOUT) == {"type": "subscribed", "workspace": "acme"}
        created = await database_sync_to_async(_apply_two_replies)(world["acme"])
        frame = await next_frame(ws)
        assert frame["type"] == "events"
        assert all(event["type"] == "event" for event in frame["events"])
        names = [event["event"] for event in frame["events"]]
        assert names.count("message.created") == 2
        assert names.count("conversation.updated") == 2
        assert {e["message_id"] for e in frame["events"] if e["event"] == "message.created"} == (
            created
        )
    finally:
        await ws.disconnect(timeout=TIMEOUT)
