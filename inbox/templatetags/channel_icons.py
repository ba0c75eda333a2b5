"""The icon a channel's adapter declares, for the conversation list's channel badge.

A filter rather than `channel.adapter.icon` in the template because a row may name a kind
whose app is no longer installed, and a list must still draw (with the neutral dot).
"""

from __future__ import annotations

from django import template

from inbox.adapters import ChannelAdapter, get_adapter

register = template.Library()


@register.filter
def channel_icon(kind: str) -> str:
    try:
        return get_adapter(kind).icon
    except LookupError:
        return ChannelAdapter.icon
