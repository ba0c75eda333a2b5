"""An RBM-sandbox agent and service account belong to one workspace
(channels_rcs/sandbox/accounts.py).

With zero setup the sandbox trusts the keys and agent ids stored on RCS channels. Without
an owner, an admin of another workspace could name someone else's agent on a channel of
their own (or a key claiming their service account's email) and then send as that agent,
read what its customers' phones show, or point its webhook elsewhere.
"""

from __future__ import annotations

import json
import secrets

import pytest
from django.test import Client

from channels_rcs.sandbox import accounts, api, store
from inbox.services import create_channel

PHONE = "+14155550142"


@pytest.fixture(autouse=True)
def _sandbox_on_loopback(settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"


def _bearer_for(client_email: str) -> dict:
    """An access token of this service account, as /token would issue it."""
    token = "ya29.test-" + secrets.token_urlsafe(16)
    store.save_token(token, client_email)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _email(channel) -> str:
    return json.loads(channel.secrets["service_account_key"])["client_email"]


@pytest.fixture
def shared_agent_id() -> str:
    """An agent id nobody registered: the zero-setup path (the demo's is one such)."""
    return f"typed_{secrets.token_hex(4)}_agent"


@pytest.fixture
def acme_rcs(workspace, shared_agent_id):
    config = accounts.channel_config(agent_id=shared_agent_id)
    return create_channel(workspace, kind="rcs", name="Acme RCS", config=config)


@pytest.fixture
def globex_rcs(other_workspace, acme_rcs, shared_agent_id):
    config = accounts.channel_config(agent_id=shared_agent_id)
    return create_channel(other_workspace, kind="rcs", name="Globex RCS", config=config)


@pytest.mark.django_db
def test_another_workspaces_token_is_refused_on_the_agent(acme_rcs, globex_rcs, shared_agent_id):
    stranger = _bearer_for(_email(globex_rcs))
    url = f"/sandbox/rbm/v1/phones/{PHONE}/capabilities?requestId=1&agentId={shared_agent_id}"
    assert Client().get(url, **stranger).status_code == 403
    control = f"/sandbox/rbm/control?agentId={shared_agent_id}"
    hijack = json.dumps({"webhook_url": "https://globex.example/steal"})
    response = Client().post(control, hijack, content_type="application/json", **stranger)
    assert response.status_code == 403
    assert "webhook_url" not in store.controls(shared_agent_id)

    owner = _bearer_for(_email(acme_rcs))
    assert Client().get(url, **owner).status_code == 200


@pytest.mark.django_db
def test_the_agents_webhook_and_token_stay_its_owners(acme_rcs, globex_rcs, shared_agent_id):
    assert accounts.agent_workspace_id(shared_agent_id) == acme_rcs.workspace_id
    assert accounts.agent_owner_emails(shared_agent_id) == {_email(acme_rcs)}
    assert accounts.client_token_for(shared_agent_id) == acme_rcs.secrets["client_token"]
    assert (
        accounts.webhook_url_for(shared_agent_id)
        == acme_rcs.adapter.webhook_urls(acme_rcs)["webhook"]
    )


@pytest.mark.django_db
def test_a_key_claiming_another_workspaces_service_account_is_not_trusted(
    workspace, other_workspace
):
    """Acme's key was made for Acme; its public half is no longer registered (a Redis
    flush, say), so the sandbox reads keys off channels. Globex stores a key of its own
    under Acme's client_email, even before Acme's channel exists: it is not Acme's key."""
    from cryptography.hazmat.primitives import serialization

    acme_key = accounts.new_service_account_key(workspace_id=workspace.pk)
    email = acme_key["client_email"]
    globex_key = {**accounts.new_service_account_key(), "client_email": email}
    store.r().delete(f"{store.PREFIX}sa:{email}")
    for ws, key, name in ((other_workspace, globex_key, "Globex"), (workspace, acme_key, "Acme")):
        config = accounts.channel_config(service_account_key=json.dumps(key))
        create_channel(ws, kind="rcs", name=name, config=config)

    acme_public = accounts._public_pem(
        serialization.load_pem_private_key(acme_key["private_key"].encode(), password=None)
    )
    assert accounts.public_key_for(email) == acme_public


@pytest.mark.django_db
def test_the_handset_view_needs_the_agents_token_and_shows_only_its_thread(acme_rcs):
    agent_id = acme_rcs.config["agent_id"]
    store.log_to_handset(PHONE, {"direction": "event", "agent_id": agent_id, "eventType": "READ"})
    store.log_to_handset(
        PHONE, {"direction": "event", "agent_id": "someone_elses_agent", "eventType": "READ"}
    )
    url = f"/sandbox/rbm/handset/{PHONE}?agentId={agent_id}"
    assert Client().get(url).status_code == 401

    response = Client().get(url, **_bearer_for(_email(acme_rcs)))
    assert response.status_code == 200
    agents = {entry["agent_id"] for entry in response.json()["thread"]}
    assert agents == {agent_id}
    assert api.handset_view(PHONE)  # the phone itself holds both
