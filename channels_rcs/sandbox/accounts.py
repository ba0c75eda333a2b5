"""Service accounts, agents and access tokens the sandbox knows, and helpers to make them.

Two sources, checked in order, as in the SMS sandbox:
1. explicit registrations in Redis (`new_agent`), for a sandbox used on its own;
2. the RCS channels configured in this installation: a channel's service-account key and
   client token are, by construction, those of an agent "created at" this sandbox. This
   keeps a channel made in the admin UI working with zero setup and across Redis flushes.
"""

from __future__ import annotations

import json
import secrets
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from . import store

PROJECT = "rbm-sandbox"


def api_base_url() -> str:
    """The sandbox's API root; a sandbox channel's api_base_url."""
    return f"{settings.PUBLIC_BASE_URL}/sandbox/rbm"


def token_uri() -> str:
    return f"{api_base_url()}/token"


def _public_pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def new_service_account_key() -> dict:
    """A fresh, registered service-account key in Google's JSON key format."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    name = "rbm-agent-" + secrets.token_hex(4)
    email = f"{name}@{PROJECT}.iam.gserviceaccount.com"
    store.register_service_account(email, _public_pem(private_key))
    return {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(uuid.uuid4().int)[:21],
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri(),
    }


def new_agent(key: dict | None = None) -> tuple[str, dict, str]:
    """A registered (agent_id, service-account key, client token) triple."""
    key = key or new_service_account_key()
    agent_id = f"sandbox_{secrets.token_hex(6)}_agent"
    client_token = secrets.token_urlsafe(16)
    store.register_agent(agent_id, client_email=key["client_email"], client_token=client_token)
    return agent_id, key, client_token


def channel_config(**extra) -> dict:
    """Config for services.create_channel(kind="rcs") pointing at this sandbox."""
    agent_id, key, client_token = new_agent()
    return {
        "agent_id": agent_id,
        "service_account_key": json.dumps(key),
        "client_token": client_token,
        "api_base_url": api_base_url(),
        **extra,
    }


def _channels(agent_id: str):
    from inbox.models import Channel

    return list(Channel.objects.filter(kind="rcs", config__agent_id=agent_id, is_active=True))


def _channel_key(channel) -> dict:
    try:
        key = json.loads(channel.secrets.get("service_account_key") or "{}")
    except ValueError:
        return {}
    return key if isinstance(key, dict) else {}


def public_key_for(client_email: str) -> str | None:
    """The PEM public key that verifies this service account's token requests."""
    known = store.service_account_public_key(client_email)
    if known:
        return known
    from inbox.models import Channel

    for channel in Channel.objects.filter(kind="rcs"):
        key = _channel_key(channel)
        if key.get("client_email") == client_email and key.get("private_key"):
            private_key = serialization.load_pem_private_key(
                key["private_key"].encode(), password=None
            )
            return _public_pem(private_key)
    return None


def agent_owner_emails(agent_id: str) -> set[str]:
    """Service accounts allowed to act as the agent.

    A registered agent has exactly its own; only an agent the sandbox never registered
    falls back to the channels that name it (the zero-setup path).
    """
    registered = store.registered_agent(agent_id)
    if registered:
        return {registered["client_email"]}
    return {_channel_key(c).get("client_email", "") for c in _channels(agent_id)} - {""}


def client_token_for(agent_id: str) -> str | None:
    """The token the sandbox signs this agent's webhooks with."""
    registered = store.registered_agent(agent_id)
    if registered:
        return registered["client_token"]
    return next((c.secrets.get("client_token") for c in _channels(agent_id)), None)


def webhook_url_for(agent_id: str) -> str | None:
    """Where RBM posts the agent's user messages and events (its console setting)."""
    override = store.controls(agent_id).get("webhook_url")
    if override:
        return override
    channel = next(iter(_channels(agent_id)), None)
    return channel.adapter.webhook_urls(channel)["webhook"] if channel else None
