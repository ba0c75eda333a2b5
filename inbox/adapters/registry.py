"""Adapters register per channel kind, so adding a channel edits nothing in inbox/."""

from __future__ import annotations

from .base import ChannelAdapter

_adapters: dict[str, ChannelAdapter] = {}


def register(adapter: ChannelAdapter) -> ChannelAdapter:
    _adapters[adapter.kind] = adapter
    return adapter


def get_adapter(kind: str) -> ChannelAdapter:
    try:
        return _adapters[kind]
    except KeyError:
        raise LookupError(f"no adapter registered for channel kind {kind!r}") from None


def all_adapters() -> dict[str, ChannelAdapter]:
    return dict(_adapters)
