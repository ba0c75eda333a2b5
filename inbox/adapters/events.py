"""Normalized events: what any provider's webhook means, in the inbox's terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class InboundMessage:
    """A customer's message. `content` follows ../shared/specs/content.md."""

    provider_message_id: str
    sender: str  # the customer's address (E.164 for phone channels)
    recipient: str  # our address (the channel's number / agent id)
    content: dict
    text: str  # plain-text rendering for previews and search
    received_at: datetime | None = None
    sender_name: str = ""
    sender_kind: str = "phone"  # ContactIdentity.Kind
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery report for one of our outbound messages, in our status vocabulary."""

    provider_message_id: str
    status: str  # one of inbox.models.MessageStatus values
    at: datetime | None = None
    error_code: str = ""
    error_message: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TypingIndicator:
    sender: str
    is_typing: bool = True
    sender_kind: str = "phone"


@dataclass(frozen=True)
class ReadReceipt:
    """The customer read one of our messages (channels with read receipts)."""

    provider_message_id: str
    at: datetime | None = None


@dataclass(frozen=True)
class ConsentChange:
    """The customer opted out, back in, or asked for help (e.g. SMS STOP / START / HELP).

    `provider_replied` is true when the provider already answered the customer itself,
    so the inbox must not send a second reply.
    """

    sender: str
    action: str  # "opt_out" | "opt_in" | "help"
    keyword: str = ""
    provider_replied: bool = False
    sender_kind: str = "phone"
    # Who changed it, as the opt-out ledger records it: "keyword" (the customer texted
    # one), or the name of a provider's own signal (e.g. an unsubscribe button).
    source: str = "keyword"
    event_id: str = ""  # the provider's id for a standalone signal (dedupes its retries)


@dataclass(frozen=True)
class Revocation:
    """The provider withdrew one of our undelivered messages when its time-to-live ran
    out (`revoked`), or tried and could not, because it had reached the phone."""

    provider_message_id: str
    revoked: bool
    at: datetime | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Unusable:
    """An authentic event the adapter cannot apply (malformed, or of a kind it does not
    know). Acknowledged, so the provider stops retrying it, and kept with `raw` for a
    person to inspect; applying it only logs it."""

    reason: str
    raw: dict = field(default_factory=dict)


Event = (
    InboundMessage
    | StatusUpdate
    | TypingIndicator
    | ReadReceipt
    | ConsentChange
    | Revocation
    | Unusable
)


_EVENT_TYPES = {
    cls.__name__: cls
    for cls in (
        InboundMessage,
        StatusUpdate,
        TypingIndicator,
        ReadReceipt,
        ConsentChange,
        Revocation,
        Unusable,
    )
}


def to_record(event: Event) -> tuple[str, dict]:
    """(type name, JSON-able fields): how an accepted event waits in the database.

    A lazy translation (an adapter's own words for a provider's error code) is written
    out in the server's language here: the event is stored before any workspace reads
    it."""
    data = {}
    for name in event.__dataclass_fields__:
        value = getattr(event, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Promise):
            value = str(value)
        data[name] = value
    return type(event).__name__, data


def from_record(kind: str, data: dict) -> Event:
    cls = _EVENT_TYPES[kind]
    fields = dict(data)
    for name in ("received_at", "at"):
        if fields.get(name):
            fields[name] = datetime.fromisoformat(fields[name])
    return cls(**fields)


def dedupe_key(event: Event) -> str:
    """What makes a provider's retry of this event recognisable as the same event."""
    if isinstance(event, InboundMessage):
        return f"message:{event.provider_message_id}"
    if isinstance(event, StatusUpdate):
        return f"status:{event.provider_message_id}:{event.status}"
    if isinstance(event, ReadReceipt):
        return f"read:{event.provider_message_id}"
    if isinstance(event, ConsentChange):
        # A keyword arrives with its message, and dedupe rides on the message.
        return f"consent:{event.event_id}" if event.event_id else ""
    if isinstance(event, Revocation):
        return f"revocation:{event.provider_message_id}:{event.revoked}"
    return ""
