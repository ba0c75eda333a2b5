"""Adding, editing and disabling channels from the settings page.

Creation goes through inbox.services.create_channel (validation by the adapter, secrets
encrypted). Editing follows the same rules, plus "blank secret = keep the stored one", so
a secret never has to travel back to the browser to survive an edit.
"""

from __future__ import annotations

import json

from django.db import transaction

from inbox.adapters import get_adapter
from inbox.models import Channel, Workspace
from inbox.services import create_channel
from inbox.services.audit import record
from inbox.services.channels import api_base_url_errors

MASK = "••••"


class ChannelInvalid(ValueError):
    """The adapter refused the configuration; `errors` are "field: reason" strings."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def mask(value) -> str:
    """ "••••1234": enough to recognise a secret, never enough to use it."""
    if isinstance(value, dict) or (isinstance(value, str) and value.strip().startswith("{")):
        try:
            info = value if isinstance(value, dict) else json.loads(value)
            tail = str(info.get("private_key_id") or info.get("client_email") or "")[-4:]
        except (ValueError, AttributeError):
            tail = ""
        return f"{MASK}{tail}"
    text = str(value or "")
    return f"{MASK}{text[-4:]}" if len(text) > 8 else MASK if text else ""


def masked_secrets(channel: Channel) -> dict[str, str]:
    return {key: mask(value) for key, value in channel.secrets.items() if value}


def audit_view(channel: Channel) -> dict:
    """The channel as the audit log keeps it: everything, with secrets masked."""
    return {
        "name": channel.name,
        "kind": channel.kind,
        "config": dict(channel.config or {}),
        "secrets": masked_secrets(channel),
        "api_base_url": channel.api_base_url,
        "fallback": channel.fallback_id,
        "is_active": channel.is_active,
    }


def _check_fallback(channel_workspace: Workspace, fallback: Channel | None, own_pk=None):
    if fallback is None:
        return
    if fallback.workspace_id != channel_workspace.pk:
        raise ChannelInvalid(["fallback: not a channel of this workspace"])
    if own_pk is not None and fallback.pk == own_pk:
        raise ChannelInvalid(["fallback: a channel cannot fall back to itself"])


def add_channel(
    workspace: Workspace,
    actor,
    *,
    kind: str,
    name: str,
    config: dict,
    secrets: dict,
    api_base_url: str,
    fallback: Channel | None = None,
) -> Channel:
    _check_fallback(workspace, fallback)
    with transaction.atomic():
        try:
            channel = create_channel(
                workspace,
                kind=kind,
                name=name,
                config={
                    **{k: v for k, v in config.items() if v is not None},
                    **secrets,
                    "api_base_url": api_base_url,
                },
                fallback=fallback,
            )
        except ValueError as exc:
            raise ChannelInvalid(str(exc).split("; ")) from exc
        record(workspace, actor, "channel.created", channel, after=audit_view(channel))
    return channel


def update_channel(
    channel: Channel,
    actor,
    *,
    name: str,
    config: dict,
    secrets: dict,
    api_base_url: str,
    fallback: Channel | None = None,
) -> Channel:
    """Apply an edit; a secret given as "" keeps the stored value."""
    _check_fallback(channel.workspace, fallback, own_pk=channel.pk)
    adapter = get_adapter(channel.kind)
    merged_secrets = dict(channel.secrets)
    merged_secrets.update({k: v for k, v in secrets.items() if str(v or "").strip()})
    # Keys the form sends replace the stored ones; None removes an optional key.
    merged_config = {k: v for k, v in {**(channel.config or {}), **config}.items() if v is not None}
    errors = adapter.validate_config(merged_config, merged_secrets)
    errors += api_base_url_errors(adapter, api_base_url or adapter.default_api_base_url)
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        before = audit_view(channel)
        channel.name = name
        channel.config = merged_config
        channel.secrets = merged_secrets
        channel.api_base_url = api_base_url or adapter.default_api_base_url
        channel.fallback = fallback
        channel.save()
        after = audit_view(channel)
        if after != before:
            record(channel.workspace, actor, "channel.updated", channel, before=before, after=after)
    return channel


def set_active(channel: Channel, actor, active: bool) -> Channel:
    """Disabled channels keep their history but refuse sends and new conversations' replies."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        if channel.is_active == active:
            return channel
        channel.is_active = active
        channel.save(update_fields=["is_active"])
        record(
            channel.workspace,
            actor,
            "channel.enabled" if active else "channel.disabled",
            channel,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return channel


def set_config_value(channel: Channel, actor, key: str, value, *, action: str) -> Channel:
    """One non-secret config key (e.g. the out-of-hours reply), audited."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        config = dict(channel.config or {})
        before = config.get(key)
        if value in (None, ""):
            config.pop(key, None)
        else:
            config[key] = value
        if config.get(key) == before:
            return channel
        channel.config = config
        channel.save(update_fields=["config"])
        record(channel.workspace, actor, action, channel, before={key: before}, after={key: value})
    return channel
