"""Which businesses the simulated phone can text: SMS, RCS and WhatsApp channels served
by the sandboxes.

Only channels whose API base URL is this installation's sandbox are listed, because only
those deliver their replies to the simulated phone (a real Twilio or RBM channel would
message a real handset, and its inbound webhooks must come from the real provider).
And only those of the signed-in user's own workspaces: the phone reads a business's
threads and injects customer messages (STOP included), which no one may do to a
workspace they are not a member of.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from channels_sms import sandbox
from inbox.access import memberships
from inbox.adapters import all_adapters
from inbox.models import Channel

# The kinds this phone has a screen for (screen.py); which of them are on a sandbox, and
# at which URL, each channel's own adapter says (sandbox_api_base_url: None when off).
PHONE_KINDS = ("sms", "rcs", "whatsapp")


def _bases(url: str) -> list[str]:
    base = url.rstrip("/")
    return [base, base + "/"]


def sandbox_channels(user) -> QuerySet[Channel]:
    """The sandbox channels of the workspaces `user` is an active member of (none if anonymous)."""
    wanted = Q(pk__in=[])
    for kind, adapter in all_adapters().items():
        base = adapter.sandbox_api_base_url() if kind in PHONE_KINDS else None
        if base:
            wanted |= Q(kind=kind, api_base_url__in=_bases(base))
    workspaces = memberships(user).values("workspace_id")
    return (
        Channel.objects.filter(wanted, is_active=True, workspace_id__in=workspaces)
        .select_related("workspace", "fallback")
        .order_by("name", "pk")
    )


def is_rcs(channel: Channel) -> bool:
    return channel.kind == "rcs"


def is_whatsapp(channel: Channel) -> bool:
    return channel.kind == "whatsapp"


def is_sms_sandbox(channel: Channel | None) -> bool:
    """Whether texts to this channel reach the simulated phone (an active SMS sandbox line)."""
    return bool(
        channel is not None
        and channel.kind == "sms"
        and channel.is_active
        and channel.api_base_url.rstrip("/") == sandbox.api_base_url().rstrip("/")
    )


def from_number(channel: Channel) -> str:
    return str(channel.config.get("from_number") or "")


def label(channel: Channel) -> str:
    """How the business picker names a channel: an SMS line by number, RCS by its agent."""
    if is_rcs(channel):
        return f"{channel.name} · RCS"
    if is_whatsapp(channel):
        return f"{channel.name} · WhatsApp"
    return f"{channel.name} · {from_number(channel)}"
