from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """Consumers query from asgiref's shared thread; close its connections so the test
    database can be dropped at the end of the session."""
    yield
    await sync_to_async(connections.close_all)()
