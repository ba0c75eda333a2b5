"""The RBM agent a channel row speaks as: its API root, agent id and service account key.

Its own module because both the adapter (sends, events) and the capability cache
(lookups) call RBM as the channel's agent, and the adapter uses the cache: with this in
the adapter, the two would import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import client

if TYPE_CHECKING:
    from inbox.models import Channel


def agent_for(channel: Channel) -> client.Agent:
    base = channel.api_base_url or client.DEFAULT_API_BASE_URL
    region = str(channel.config.get("region") or "")
    if region and base.rstrip("/") == client.DEFAULT_API_BASE_URL:
        base = client.regional_base_url(region)  # the agent's data stays in its region
    return client.Agent(
        api_base_url=base,
        agent_id=str(channel.config.get("agent_id", "")),
        service_account_key=channel.secrets.get("service_account_key", ""),
    )
