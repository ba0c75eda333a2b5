"""The RBM sandbox's "webhook_url" control passes the address guard (SSRF).

An agent's owner may point its webhook anywhere; the server then POSTs its customers'
events there, so an internal address is refused when set and again when posted.
"""

from __future__ import annotations

import json
import secrets

import pytest
from django.test import Client

from channels_rcs.sandbox import events, store

from .conftest import make_rcs_channel

METADATA = "http://169.254.169.254/latest/meta-data/"


@pytest.fixture
def agent_id(settings, workspace) -> str:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    channel = make_rcs_channel(workspace)
    yield channel.config["agent_id"]
    store.reset(channel.config["agent_id"])


def _bearer(agent_id: str) -> dict:
    token = "ya29.test-" + secrets.token_urlsafe(16)
    store.save_token(token, store.registered_agent(agent_id)["client_email"])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
def test_an_internal_webhook_url_is_refused_by_the_control(agent_id):
    response = Client().post(
        f"/sandbox/rbm/control?agentId={agent_id}",
        json.dumps({"webhook_url": METADATA}),
        content_type="application/json",
        **_bearer(agent_id),
    )
    assert response.status_code == 400
    assert "169.254.169.254" in response.json()["error"]
    assert "webhook_url" not in store.controls(agent_id)


@pytest.mark.django_db
def test_an_internal_webhook_url_set_before_is_not_posted_to(settings, caplog, agent_id):
    settings.ADDRESS_GUARD_ALLOW = []
    store.set_controls(agent_id, webhook_url=METADATA)  # e.g. set while allow-listed
    event = events.user_event(agent_id, "+14155550142", "IS_TYPING")
    assert events.deliver(agent_id, event) is None
    assert f"webhook {METADATA} refused" in caplog.text
