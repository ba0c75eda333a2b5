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


Event = InboundMessage | StatusUpdate | TypingIndicator | ReadReceipt
