"""The simulated phone's view of one SMS conversation, read from the sandbox's handset log.

The sandbox logs everything a number sent and received across every account; a phone's
messaging app shows one thread per correspondent, so we keep only the messages exchanged
with the chosen business's number on its account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from channels_sms import sandbox
from channels_sms.errors import reason_for
from channels_sms.segments import count
from inbox.models import Channel

from .businesses import from_number

# A real handset never receives these; the simulator shows them dimmed, with the reason.
NOT_RECEIVED = frozenset({"failed", "undelivered"})


@dataclass(frozen=True)
class Bubble:
    sid: str
    direction: str  # from the phone's point of view: "out" it sent, "in" it received
    body: str
    media_urls: tuple[str, ...]
    segments: int
    status: str
    sent_at: datetime | None
    error: str

    @property
    def received(self) -> bool:
        return self.status not in NOT_RECEIVED


def _sent_at(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _bubble(message: dict, direction: str) -> Bubble:
    status = str(message.get("status") or "")
    code = message.get("error_code")
    body = str(message.get("body") or "")
    return Bubble(
        sid=str(message["sid"]),
        direction=direction,
        body=body,
        media_urls=tuple(message.get("media_urls") or ()),
        # Carriers reassemble concatenated parts; the count is what the sender paid for.
        segments=count(body).segments,
        status=status,
        sent_at=_sent_at(message.get("date_created")),
        error=f"{reason_for(code)} ({code})" if code and status in NOT_RECEIVED else "",
    )


def thread(number: str, channel: Channel) -> list[Bubble]:
    """Oldest first, as a messaging app lists them."""
    account = channel.config.get("account_sid")
    business = from_number(channel)
    bubbles = []
    for message in sandbox.handset_messages(number):
        if message.get("account_sid") != account:
            continue
        if message.get("from") == number and message.get("to") == business:
            bubbles.append(_bubble(message, "out"))
        elif message.get("to") == number and message.get("from") in (business, "", None):
            bubbles.append(_bubble(message, "in"))
    return bubbles


def version(bubbles: list[Bubble]) -> str:
    """Changes whenever the thread would look different; lets the page skip idle swaps."""
    state = "|".join(f"{b.sid}:{b.status}" for b in bubbles)
    return hashlib.sha1(state.encode(), usedforsecurity=False).hexdigest()[:16]
