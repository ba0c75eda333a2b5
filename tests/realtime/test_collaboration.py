"""Collision detection and presence over the real socket and Redis: who is viewing a
conversation, who is online, and that tabs of a crashed process do not keep anyone online."""

from __future__ import annotations

import time

import pytest
from channels.db import database_sync_to_async

from inbox.models import Membership, Presence, PresenceSpan
from inbox.redis_client import client
from inbox.services import presence, viewers
from tests.realtime.sockets import TIMEOUT, connected, next_frame, session_cookie
from tests.web.fakes import inbound

pytestmark = pytest.mark.django_db(transaction=True)


async def next_event(ws, event: str, **match) -> dict:
    """The next frame of kind `event` (with `match`ing fields), skipping any other."""
    while True:
        frame = await ws.receive_json_from(TIMEOUT)
        if frame.get("type") != "event" or frame.get("event") != event:
            continue
        if all(frame.get(k) == v for k, v in match.items()):
            return frame


@database_sync_to_async
def state(user) -> tuple[str, list[tuple[str, bool]]]:
    membership = Membership.objects.get(user=user)
    spans = PresenceSpan.objects.filter(user=user).order_by("started_at", "pk")
    return membership.presence, [(s.status, s.ended_at is None) for s in spans]


@pytest.fixture
def no_grace(monkeypatch):
    """A closed last tab counts for a few seconds in production; here it goes at once."""
    monkeypatch.setattr(presence, "CLOSE_GRACE_SECONDS", 0)


async def test_a_colleague_sees_who_is_viewing_and_when_they_leave(world, manager):
    colleague = await connected(await database_sync_to_async(session_cookie)(manager))
    alice = await connected(world["cookie"])
    conversation = world["mine"].pk
    try:
        await colleague.send_json_to({"subscribe": {"conversation": conversation}})
        assert (await colleague.receive_json_from(TIMEOUT))["type"] == "subscribed"
        alone = await next_event(colleague, "viewers")
        assert [v["name"] for v in alone["viewers"]] == ["mona"]

        await alice.send_json_to({"subscribe": {"conversation": conversation}})
        both = await next_event(colleague, "viewers")
        assert both["conversation_id"] == conversation
        assert [v["name"] for v in both["viewers"]] == ["alice", "mona"]

        await alice.disconnect(timeout=TIMEOUT)
        after = await next_event(colleague, "viewers")
        assert [v["name"] for v in after["viewers"]] == ["mona"]
    finally:
        await colleague.disconnect(timeout=TIMEOUT)


async def test_switching_conversation_leaves_the_previous_one(world, agent, manager):
    colleague = await connected(await database_sync_to_async(session_cookie)(manager))
    alice = await connected(world["cookie"])
    other = await database_sync_to_async(inbound)(world["acme"], "+15551230009", "other")
    try:
        await colleague.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
        await next_event(colleague, "viewers")
        await alice.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
        assert len((await next_event(colleague, "viewers"))["viewers"]) == 2
        await alice.send_json_to({"subscribe": {"conversation": other.conversation_id}})
        left = await next_event(colleague, "viewers")
        assert [v["name"] for v in left["viewers"]] == ["mona"]
        assert await database_sync_to_async(viewers.current)(other.conversation_id) == [
            {"user_id": agent.pk, "name": "alice"}
        ]
    finally:
        await alice.disconnect(timeout=TIMEOUT)
        await colleague.disconnect(timeout=TIMEOUT)


async def test_agent_typing_carries_who_and_can_stop(world, manager):
    colleague = await connected(await database_sync_to_async(session_cookie)(manager))
    alice = await connected(world["cookie"])
    try:
        for ws in (colleague, alice):
            await ws.send_json_to({"subscribe": {"conversation": world["mine"].pk}})
            assert (await ws.receive_json_from(TIMEOUT))["type"] == "subscribed"
        await alice.send_json_to({"typing": world["mine"].pk})
        started = await next_event(colleague, "typing")
        assert (started["who"], started["name"], started["is_typing"]) == ("agent", "alice", True)
        await alice.send_json_to({"typing": world["mine"].pk, "is_typing": False})
        stopped = await next_event(colleague, "typing")
        assert (stopped["name"], stopped["is_typing"]) == ("alice", False)
    finally:
        await alice.disconnect(timeout=TIMEOUT)
        await colleague.disconnect(timeout=TIMEOUT)


async def test_heartbeat_is_answered(world):
    ws = await connected(world["cookie"])
    try:
        await ws.send_json_to({"heartbeat": True})
        assert await next_frame(ws) == {"type": "pong"}
    finally:
        await ws.disconnect(timeout=TIMEOUT)


async def test_presence_follows_tabs_and_teammates_hear_it(world, manager, agent, no_grace):
    colleague = await connected(await database_sync_to_async(session_cookie)(manager))
    await colleague.send_json_to({"subscribe": {"workspace": "acme"}})
    assert (await colleague.receive_json_from(TIMEOUT))["type"] == "subscribed"
    assert await state(agent) == ("offline", [])

    first = await connected(world["cookie"])
    second = await connected(world["cookie"])
    try:
        await first.send_json_to({"subscribe": {"workspace": "acme"}})
        assert (await first.receive_json_from(TIMEOUT))["type"] == "subscribed"
        online = await next_event(colleague, "presence", user_id=agent.pk)
        assert (online["name"], online["status"]) == ("alice", "online")
        assert await state(agent) == ("online", [("online", True)])

        # A second tab is the same person: no new span, and closing one keeps them online.
        await second.send_json_to({"subscribe": {"workspace": "acme"}})
        assert (await second.receive_json_from(TIMEOUT))["type"] == "subscribed"
        await first.disconnect(timeout=TIMEOUT)
        assert await state(agent) == ("online", [("online", True)])

        await second.disconnect(timeout=TIMEOUT)
        offline = await next_event(colleague, "presence", user_id=agent.pk)
        assert offline["status"] == "offline"
        assert await state(agent) == ("offline", [("online", False)])
    finally:
        await colleague.disconnect(timeout=TIMEOUT)


def test_away_is_a_choice_while_online_and_a_new_session_starts_online(world, agent, no_grace):
    membership = Membership.objects.get(user=agent)
    workspace_id = membership.workspace_id
    assert presence.tab_alive(workspace_id, agent.pk, "tab-1") == Presence.ONLINE
    assert presence.choose(membership, "away") == Presence.AWAY
    assert presence.tab_alive(workspace_id, agent.pk, "tab-2") == Presence.AWAY
    assert presence.choose(membership, "online") == Presence.ONLINE
    presence.choose(membership, "away")
    presence.tab_closed(workspace_id, agent.pk, "tab-1")
    assert presence.tab_closed(workspace_id, agent.pk, "tab-2") == Presence.OFFLINE
    spans = list(PresenceSpan.objects.filter(user=agent).order_by("pk").values_list("status"))
    assert spans == [("online",), ("away",), ("online",), ("away",)]
    assert not PresenceSpan.objects.filter(user=agent, ended_at__isnull=True).exists()
    assert presence.tab_alive(workspace_id, agent.pk, "tab-3") == Presence.ONLINE  # not away
    with pytest.raises(ValueError):
        presence.choose(membership, "offline")


def test_sweep_takes_offline_whose_tabs_stopped_beating(world, agent, manager):
    """A web process that crashed never closes its sockets: their heartbeats just stop."""
    workspace_id = Membership.objects.get(user=agent).workspace_id
    presence.tab_alive(workspace_id, agent.pk, "crashed-tab")
    presence.tab_alive(workspace_id, manager.pk, "live-tab")
    assert presence.sweep() == 0  # both still beating

    # The crashed tab's last beat has run out; nothing closed it.
    client().zadd(presence._tabs_key(workspace_id, agent.pk), {"crashed-tab": time.time() - 1})
    assert presence.sweep() == 1
    assert Membership.objects.get(user=agent).presence == Presence.OFFLINE
    assert Membership.objects.get(user=manager).presence == Presence.ONLINE
    assert PresenceSpan.objects.get(user=agent).ended_at is not None


def test_expired_viewer_drops_out_and_the_next_heartbeat_announces_it(world, agent, manager):
    conversation = world["mine"]
    viewers.join(conversation, agent, "tab-a")
    viewers.join(conversation, manager, "tab-m")
    assert [v["name"] for v in viewers.current(conversation.pk)] == ["alice", "mona"]
    viewers.leave(conversation.pk, agent, "tab-a")
    assert [v["name"] for v in viewers.current(conversation.pk)] == ["mona"]
    assert viewers.heartbeat(conversation.pk, manager, "tab-m") == [
        {"user_id": manager.pk, "name": "mona"}
    ]
