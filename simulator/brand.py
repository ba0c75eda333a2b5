"""The brand identity an RCS phone shows above the thread: name, logo, colour, verified badge.

The brand profile belongs to another part of channels_rcs and may be absent (not installed
yet, or no profile assigned); a phone then shows the agent's name, so we show the channel's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from inbox.models import Channel

log = logging.getLogger(__name__)

DEFAULT_COLOR = "#1A73E8"  # RBM's default brand colour
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Brand:
    name: str
    description: str = ""
    logo_url: str = ""
    banner_url: str = ""
    color: str = DEFAULT_COLOR
    verified: bool = False

    @property
    def initial(self) -> str:
        """The letter a phone shows in place of a missing logo."""
        return (self.name.strip()[:1] or "?").upper()


def _file_url(field) -> str:
    try:
        return str(field.url) if field else ""
    except (ValueError, AttributeError):
        return ""


def _profile(channel: Channel):
    try:
        from channels_rcs.brand.services import brand_for_channel
    except ImportError:
        return None
    try:
        return brand_for_channel(channel)
    except Exception:
        # The phone must still open when the brand lookup breaks; the name is enough.
        log.exception("brand lookup failed for channel %s", channel.pk)
        return None


def brand_for(channel: Channel) -> Brand:
    profile = _profile(channel)
    if profile is None:
        return Brand(name=channel.name)
    color = str(getattr(profile, "color", "") or "")
    return Brand(
        name=str(getattr(profile, "display_name", "") or channel.name),
        description=str(getattr(profile, "description", "") or ""),
        logo_url=_file_url(getattr(profile, "logo", None)),
        banner_url=_file_url(getattr(profile, "banner", None)),
        color=color if _HEX.match(color) else DEFAULT_COLOR,
        verified=str(getattr(profile, "verification_status", "") or "") == "verified",
    )
