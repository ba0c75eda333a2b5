"""The agent websocket through the real ASGI stack (auth middleware, origin check) and the
real Redis channel layer: events published by services after commit reach subscribers, and
subscriptions are checked against workspace membership."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from tests.realtime.sockets import TIMEOUT, connected, next_frame, session_cookie, socket
from tests.web.fakes import inbound

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_is_refused():
    communicator = socket(None)
    ok, code = await communicator.connect(timeout=TIMEOUT)
    assert not ok
    assert code == 4401


async def test_own_conversation_receives_message_created_after_commit(world):
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
        assert await ws.receive_json_from(TIMEOUT) == {
            "type": "subscribed",
            "conversation": world["mine"].pk,
        }
        message = await database_sync_to_async(inbound)(world["acme"], "+15551230001", "again")
        event = await next_frame(ws)
        assert event["type"] == "event"
        assert event["event"] == "message.created"
        assert event["message_id"] == str(message.pk)
        assert event["conversation_id"] == world["mine"].pk
        assert event["direction"] == "inbound"
    finally:
        await ws.disconnect(timeout=TIMEOUT)


async def test_workspace_subscription_receives_conversation_updates(world):
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"workspace": "acme"}})
        assert await ws.receive_json_from(TIMEOUT) == {"type": "subscribed", "workspace": "acme"}
        message = await database_sync_to_async(inbound)(world["acme"], "+15551230002", "new")
        events = [await next_frame(ws) for _ in range(2)]
        assert {e["event"] for e in events} == {"message.created", "conversation.updated"}
        updated = next(e for e in events if e["event"] == "conversation.updated")
        assert updated["conversation_id"] == message.conversation_id
    finally:
        await ws.disconnect(timeout=TIMEOUT)


async def test_other_workspaces_conversation_is_refused_and_not_joined(world):
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"conversation": world["theirs"].pk}})
        refusal = await ws.receive_json_from(TIMEOUT)
        assert refusal["type"] == "error" and refusal["error"] == "not_found"
        await ws.send_json_to({"subscribe": {"workspace": "globex"}})
        refusal = await ws.receive_json_from(TIMEOUT)
        assert refusal["type"] == "error" and refusal["error"] == "not_found"

        await ws.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
        assert (await ws.receive_json_from(TIMEOUT))["type"] == "subscribed"
        # Globex's message is published first; had the socket joined conv-<theirs> or
        # ws-<globex>, that event would be the next frame. It must be our own instead.
        await database_sync_to_async(inbound)(world["globex"], "+15559990001", "leak?")
        ours = await database_sync_to_async(inbound)(world["acme"], "+15551230001", "ours")
        event = await next_frame(ws)
        assert event["message_id"] == str(ours.pk)
        assert event["conversation_id"] == world["mine"].pk
    finally:
        await ws.disconnect(timeout=TIMEOUT)


async def test_agent_typing_reaches_colleagues_not_the_typist(world, manager):
    colleague_cookie = await database_sync_to_async(session_cookie)(manager)
    typist = await connected(world["cookie"])
    colleague = await connected(colleague_cookie)
    try:
        for ws in (typist, colleague):
            await ws.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
            assert (await ws.receive_json_from(TIMEOUT))["type"] == "subscribed"
        await typist.send_json_to({"typing": world["mine"].pk})
        event = await next_frame(colleague)
        assert event["event"] == "typing"
        assert event["who"] == "agent" and event["is_typing"] is True
        assert event["conversation_id"] == world["mine"].pk
        # The typist's own echo is dropped: their next frame is the next real event.
        message = await database_sync_to_async(inbound)(world["acme"], "+15551230001", "hi")
        assert (await next_frame(typist))["message_id"] == str(message.pk)
    finally:
        await typist.disconnect(timeout=TIMEOUT)
        await colleague.disconnect(timeout=TIMEOUT)


async def test_typing_into_another_workspace_is_refused(world):
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"typing": world["theirs"].pk})
        refusal = await ws.receive_json_from(TIMEOUT)
        assert refusal == {"type": "error", "error": "not_found", "detail": "no such conversation"}
    finally:
        await ws.disconnect(timeout=TIMEOUT)


async def test_an_idle_subscriber_still_receives_events(world):
    """Agents leave tabs open for hours: a socket idle longer than the channel layer's
    blocking-read window (5 s) must still be connected and receive the next event."""
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
        assert (await ws.receive_json_from(TIMEOUT))["type"] == "subscribed"
        assert (await ws.receive_json_from(TIMEOUT))["event"] == "viewers"  # itself
        assert await ws.receive_nothing(timeout=7, interval=0.5)
        message = await database_sync_to_async(inbound)(world["acme"], "+15551230001", "later")
        event = await ws.receive_json_from(TIMEOUT)
        assert event["message_id"] == str(message.pk)
    finally:
        await ws.disconnect(timeout=TIMEOUT)
