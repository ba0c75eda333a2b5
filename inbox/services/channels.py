"""Channels are created and reconfigured here so secrets are always split and encrypted."""

from __future__ import annotations

from inbox import address_guard
from inbox.adapters import ChannelAdapter, get_adapter
from inbox.models import Channel, Workspace


def api_base_url_errors(adapter: ChannelAdapter, api_base_url: str) -> list[str]:
    """["api_base_url: why"] when the server may not call the channel's API there (SSRF).

    Checked on every save, since the server calls it with the channel's credentials and
    an admin chooses it. The provider's own URL and the built-in sandbox's are code, not
    input: they are checked only when called (the provider may not resolve on an offline
    machine), where a sandbox on loopback needs the operator's allow-list, as does an
    on-premise gateway here.
    """
    own = {adapter.default_api_base_url, adapter.sandbox_api_base_url() or ""}
    if not api_base_url or api_base_url.rstrip("/") in {u.rstrip("/") for u in own}:
        return []
    try:
        address_guard.validate(api_base_url)
    except address_guard.UnsafeTarget as exc:
        return [f"api_base_url: {exc}"]
    return []


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
    errors = adapter.validate_config(config, secrets) + api_base_url_errors(adapter, api_base_url)
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
