from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections


@pytest.fixture(autouse=True)
async def _fresh_channel_layer():
    """Each test runs on its own event loop; channels_redis keeps receive state (a lock,
    a count, the loop) inside the layer instance, so a layer that outlived another test's
    loop can hang the next one. Every test gets a new instance, closed afterwards."""
    channel_layers.backends.pop("default", None)
    yield
    layer = channel_layers.backends.pop("default", None)
    if layer is not None and hasattr(layer, "close_pools"):
        await layer.close_pools()


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """Consumers query from asgiref's shared thread; close its connections so the test
    database can be dropped at the end of the session."""
    yield
    await sync_to_async(connections.close_all)()
