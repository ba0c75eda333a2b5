"""What the phone's screen shows for one (number, business) pair, and where its texts go.

An SMS business is a plain SMS thread, a WhatsApp business a WhatsApp chat. An RCS
business shows its brand and a rich thread when the number is RCS-capable; otherwise its
messages reach the phone by SMS from the channel's fallback line, so the screen shows that
SMS thread with a note saying why.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from inbox.models import Channel

from . import rcs_handset, sms_handset, wa_handset
from .brand import Brand, brand_for
from .businesses import from_number, is_rcs, is_sms_sandbox, is_whatsapp
from .rcs_sending import rcs_capable


@dataclass(frozen=True)
class Route:
    """Where the phone's own messages go: "rcs", "whatsapp", "sms" (to `sms_channel`) or
    "none"."""

    kind: str
    sms_channel: Channel | None = None


def route(channel: Channel, number: str) -> Route:
    if is_whatsapp(channel):
        return Route("whatsapp")
    if not is_rcs(channel):
        return Route("sms", channel)
    if rcs_capable(channel, number):
        return Route("rcs")
    fallback = channel.fallback if channel.fallback_id else None
    return Route("sms", fallback) if is_sms_sandbox(fallback) else Route("none")


def _fallback_note(brand: Brand, fallback: Channel | None) -> str:
    note = f"This number is not RCS-capable; messages from {brand.name} arrive by SMS"
    if fallback is None:
        return note + ", but this business has no SMS line on the sandbox to send them from."
    return note + f" from {from_number(fallback)}."


def context(number: str, channel: Channel) -> dict:
    """The thread fragment's context; `version` changes whenever the screen would."""
    where = route(channel, number)
    base = {"thread_ready": True, "business": channel, "number": number}
    if where.kind == "whatsapp":
        data = wa_handset.thread(number, channel)
        return {
            **base,
            "mode": "whatsapp",
            "wa": data,
            "reports_reads": wa_handset.phone_reports_reads(channel),
            "version": wa_handset.version(data, str(channel.pk), number),
        }
    if where.kind == "rcs":
        brand = brand_for(channel)
        data = rcs_handset.thread(number, channel)
        stamp = rcs_handset.version(data, str(channel.pk), number, repr(brand))
        return {
            **base,
            "mode": "rcs",
            "brand": brand,
            "rcs": data,
            "live_chips": data.live_chips,
            "reports_reads": rcs_handset.phone_reports_reads(channel),
            "version": stamp,
        }
    sms = where.sms_channel
    bubbles = sms_handset.thread(number, sms) if sms is not None else []
    extra = {"mode": "sms", "business_number": from_number(sms) if sms else ""}
    if is_rcs(channel):
        brand = brand_for(channel)
        extra.update(brand=brand, fallback_note=_fallback_note(brand, sms))
    stamp = (
        sms_handset.version(bubbles) + f"|{channel.pk}|{number}|{extra.get('fallback_note', '')}"
    )
    return {**base, **extra, "bubbles": bubbles, "version": _short(stamp)}


def _short(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()[:16]
