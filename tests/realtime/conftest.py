from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections

from inbox.adapters import register
from tests.realtime.sockets import session_cookie
from tests.web.fakes import PageAdapter, inbound, make_channel


@pytest.fixture(autouse=True)
async def _fresh_channel_layer():
    """Each test runs on its own event loop, and the layer keeps its subscriptions and
    Redis connections per loop: every test gets a new instance, its connections closed
    (flush) before the loop goes."""
    channel_layers.backends.pop("default", None)
    yield
    layer = channel_layers.backends.pop("default", None)
    if layer is not None:
        await layer.flush()


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """Consumers query from asgiref's shared thread; close its connections so the test
    database can be dropped at the end of the session."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def world(workspace, other_workspace, agent, outsider):
    register(PageAdapter())
    acme = make_channel(workspace)
    globex = make_channel(other_workspace, name="Globex SMS")
    mine = inbound(acme, "+15551230001", "hello").conversation
    theirs = inbound(globex, "+15559990001", "secret").conversation
    return {
        "acme": acme,
        "globex": globex,
        "mine": mine,
        "theirs": theirs,
        "cookie": session_cookie(agent),
    }


@pytest.fixture(autouse=True)
def _forget_tabs():
    """Presence and viewers live in Redis, which outlives the test database (whose ids
    start again at 1): every test starts with nobody online and nobody viewing."""
    from inbox.redis_client import client

    for pattern in ("presence:*", "viewers:*"):
        for key in client().scan_iter(pattern):
            client().delete(key)
