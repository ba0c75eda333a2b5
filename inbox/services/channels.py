"""Channels are created and reconfigured here so secrets are always split and encrypted."""

from __future__ import annotations

from inbox.adapters import get_adapter
from inbox.models import Channel, Workspace


def create_channel(
    workspace: Workspace,
    *,
    kind: str,
    name: str,
    config: dict,
    fallback: Channel | None = None,
) -> Channel:
    """Create a channel; keys the adapter names as secrets are stored encrypted.

    `api_base_url` in config becomes the channel's API base URL (the sandbox, a regional
    endpoint, or the real provider when absent); `fallback_channel` (a channel id of the
    same workspace) becomes the channel messages fall back to.
    """
    adapter = get_adapter(kind)
    config = dict(config)
    api_base_url = config.pop("api_base_url", "") or adapter.default_api_base_url
    fallback_id = config.pop("fallback_channel", None)
    if fallback_id not in (None, ""):
        fallback = Channel.objects.filter(workspace=workspace, pk=fallback_id).first()
        if fallback is None:
            raise ValueError(f"fallback_channel: no channel {fallback_id} in this workspace")
    secrets = {k: config.pop(k) for k in list(config) if k in adapter.secret_keys}
    errors = adapter.validate_config(config, secrets)
    if errors:
        raise ValueError("; ".join(errors))
    channel = Channel(
        workspace=workspace,
        kind=kind,
        name=name,
        config=config,
        api_base_url=api_base_url,
        fallback=fallback,
    )
    channel.secrets = secrets
    channel.save()
    return channel
