"""Simulator fixtures: a business on the SMS sandbox served by a real local HTTP server.

The simulator's send goes over HTTP to the channel's inbound webhook (as Twilio would), so
the inbox must be reachable at PUBLIC_BASE_URL: pytest-django's live_server.
"""

from __future__ import annotations

import pytest

from channels_sms import sandbox
from inbox import services

BUSINESS_NUMBER = "+14155550100"
CUSTOMER = "+14155550111"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(client, agent):
    """The simulator plays the customer of the signed-in member's workspaces only, so
    these tests browse it as a member of `workspace` (test_access.py covers the rest)."""
    client.force_login(agent)
    return client


@pytest.fixture
def sandbox_business(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = services.create_channel(
        workspace,
        kind="sms",
        name="Acme Support",
        config=sandbox.channel_config(BUSINESS_NUMBER, mms=True),
    )
    # Delivery reports are fired by the tests that want them, not by Celery.
    sandbox.set_controls(channel.config["account_sid"], callbacks="manual")
    yield channel
    sandbox.reset(channel.config["account_sid"])


@pytest.fixture
def offline_business(settings, workspace):
    """A sandbox channel for tests that never send (no server needed)."""
    settings.PUBLIC_BASE_URL = "http://sandbox.test"
    return services.create_channel(
        workspace, kind="sms", name="Acme Offline", config=sandbox.channel_config("+14155550199")
    )


@pytest.fixture(autouse=True)
def _deliveries_stay_in_this_process(request, monkeypatch):
    """In-process tests drive delivery themselves (deliver_until_settled) against their
    live_server; a session Celery worker from another module, configured for a different
    server, must not grab the message first. Such a worker would send it with its own
    server's status-callback URL, so the delivery reports a test fires would be applied
    there, later, instead of by this test's live_server. Both ways in are closed: the
    per-message task and the batch drain's kick. Tests with a worker keep the real path."""
    if "celery_worker" in request.fixturenames:
        return
    from inbox.services.outbox import enqueue

    def leave_queued(message_id, **_options) -> None:
        return None

    monkeypatch.setattr(enqueue, "delivery", leave_queued)
    monkeypatch.setattr(enqueue, "kick", lambda: None)
