"""Agent-page fixtures: a channel on a do-nothing adapter and conversations made by ingest."""

from __future__ import annotations

import pytest

from inbox.adapters import register

from .fakes import PageAdapter, inbound, make_channel


@pytest.fixture
def page_adapter():
    return register(PageAdapter())


@pytest.fixture
def channel(workspace, page_adapter):
    return make_channel(workspace)


@pytest.fixture
def conversation(channel):
    return inbound(channel, "+15551230001", "Hello, where is my order?").conversation


@pytest.fixture
def other_conversation(other_workspace, page_adapter):
    channel = make_channel(other_workspace, name="Globex SMS")
    return inbound(channel, "+15559990001", "Globex secret question").conversation


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client
