"""Normalized events: what any provider's webhook means, in the inbox's terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


Event = InboundMessage | StatusUpdate | TypingIndicator | ReadReceipt | ConsentChange


_EVENT_TYPES = {
    cls.__name__: cls
    for cls in (InboundMessage, StatusUpdate, TypingIndicator, ReadReceipt, ConsentChange)
}


def to_record(event: Event) -> tuple[str, dict]:
    """(type name, JSON-able fields): how an accepted event waits in the database."""
    data = {}
    for name in event.__dataclass_fields__:
        value = getattr(event, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
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
        return ""  # a keyword arrives with its message; dedupe rides on the message
    return ""
