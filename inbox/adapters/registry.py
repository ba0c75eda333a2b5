"""Adapters register per channel kind, so adding a channel edits nothing in inbox/.

The registry imports nothing, not even the interface it holds (base.ChannelAdapter):
the Channel model finds its adapter here while the interface names the model, and
either import the other way round would close a cycle (tests/test_import_cycles.py).
"""

from __future__ import annotations

from typing import Any, TypeVar

Adapter = TypeVar("Adapter")

_adapters: dict[str, Any] = {}


def register(adapter: Adapter) -> Adapter:
    _adapters[adapter.kind] = adapter
    return adapter


def get_adapter(kind: str) -> Any:
    """The registered base.ChannelAdapter for `kind`; LookupError when there is none."""
    try:
        return _adapters[kind]
    except KeyError:
        raise LookupError(f"no adapter registered for channel kind {kind!r}") from None


def all_adapters() -> dict[str, Any]:
    return dict(_adapters)
