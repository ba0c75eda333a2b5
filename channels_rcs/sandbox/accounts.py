"""Service accounts, agents and access tokens the sandbox knows, and helpers to make them.

Two sources, checked in order, as in the SMS sandbox:
1. explicit registrations in Redis (`new_agent`), for a sandbox used on its own;
2. the RCS channels configured in this installation: a channel's service-account key and
   client token are, by construction, those of an agent "created at" this sandbox. This
   keeps a channel made in the admin UI working with zero setup and across Redis flushes.

Agents and service accounts belong to one workspace: the one they were made for (bound in
the store), or else the workspace of the oldest channel that names them. Only that
workspace's channels lend them keys, tokens and webhooks, so an admin elsewhere who types
the same agent id, or a key claiming the same client_email, cannot act as that agent,
read its state or redirect its customers' messages.
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


def new_service_account_key(*, workspace_id: int | None = None) -> dict:
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
    if workspace_id is not None:
        store.bind_owner("sa", email, workspace_id)
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


def new_agent(key: dict | None = None, *, workspace_id: int | None = None) -> tuple[str, dict, str]:
    """A registered (agent_id, service-account key, client token) triple, owned by
    `workspace_id` when given (else by the workspace of the first channel naming it)."""
    key = key or new_service_account_key(workspace_id=workspace_id)
    agent_id = f"sandbox_{secrets.token_hex(6)}_agent"
    client_token = secrets.token_urlsafe(16)
    store.register_agent(agent_id, client_email=key["client_email"], client_token=client_token)
    if workspace_id is not None:
        store.bind_owner("agent", agent_id, workspace_id)
    return agent_id, key, client_token


def channel_config(*, workspace_id: int | None = None, **extra) -> dict:
    """Config for services.create_channel(kind="rcs") pointing at this sandbox."""
    agent_id, key, client_token = new_agent(workspace_id=workspace_id)
    return {
        "agent_id": agent_id,
        "service_account_key": json.dumps(key),
        "client_token": client_token,
        "api_base_url": api_base_url(),
        **extra,
    }


def agent_workspace_id(agent_id: str) -> int | None:
    """The workspace the agent belongs to: the one it was made for, else the one whose
    channel names it longest (not stored: a workspace that dropped it lets it go)."""
    from inbox.models import Channel

    bound = store.owner("agent", agent_id)
    if bound is not None:
        return bound
    return (
        Channel.objects.filter(kind="rcs", config__agent_id=agent_id)
        .order_by("pk")
        .values_list("workspace_id", flat=True)
        .first()
    )


def _channels(agent_id: str):
    """The active channels of the agent's own workspace that name it."""
    from inbox.models import Channel

    owner = agent_workspace_id(agent_id)
    if owner is None:
        return []
    return list(
        Channel.objects.filter(
            kind="rcs", config__agent_id=agent_id, is_active=True, workspace_id=owner
        )
    )


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

    owner = store.owner("sa", client_email)
    for channel in Channel.objects.filter(kind="rcs").order_by("pk"):
        key = _channel_key(channel)
        if key.get("client_email") != client_email or not key.get("private_key"):
            continue
        if owner is None:  # the oldest channel presenting this service account owns it
            owner = channel.workspace_id
        if channel.workspace_id != owner:
            continue  # another workspace's key claiming the same email: not this account
        private_key = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
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
