"""Chaos cases: real processes are killed on purpose. Each case cleans up what it started
and leaves no task behind for the next test's worker."""

from __future__ import annotations

import pytest

from tests.rcs.conftest import make_rcs_channel


@pytest.fixture
def chaos_settings(live_settings):
    """The sweep's clocks shortened so a case settles in seconds, not minutes: queued
    work is re-requested after 2 s, a dead worker's `sending` rows reconciled after 20 s.
    That must stay above the longest a live worker keeps a row `sending` (its slot wait,
    the batch's slowest call, the settle): at 5 s a loaded CI machine reconciled rows a
    live worker was still sending, which is the race the setting exists to avoid."""
    live_settings.OUTBOX_STUCK_AFTER_SECONDS = 2
    live_settings.OUTBOX_RECONCILE_AFTER_SECONDS = 20
    live_settings.OUTBOX_UNKNOWN_AFTER_SECONDS = 60
    return live_settings


@pytest.fixture
def rcs_channel(workspace):
    from channels_rcs.sandbox import store

    channel = make_rcs_channel(workspace)
    yield channel
    store.reset(channel.config["agent_id"])


@pytest.fixture(autouse=True)
def _no_tasks_left_behind():
    yield
    from config.celery import app
    from inbox import redis_client
    from inbox.services import inbound_queue
    from inbox.services.outbox import enqueue

    app.control.purge()
    redis_client.client().delete(enqueue.KICK_KEY, inbound_queue.KICK_KEY)
