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
