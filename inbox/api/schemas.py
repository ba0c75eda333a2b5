"""Wire shapes of API v1. Field names are public: change them only with a new version."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict


class Error(Schema):
    detail: str
    errors: list[str] = []


class UserRef(Schema):
    id: int
    username: str


class IdentityOut(Schema):
    kind: str
    value: str


class ContactOut(Schema):
    id: int
    name: str
    display_name: str
    identities: list[IdentityOut]


class ConversationOut(Schema):
    id: int
    status: str
    channel_id: int
    contact: ContactOut
    assignee: UserRef | None
    last_message_at: datetime | None
    last_inbound_at: datetime | None
    last_message_preview: str
    waiting_since: datetime | None
    first_response_at: datetime | None
    snoozed_until: datetime | None
    resolved_at: datetime | None
    created_at: datetime
    unread_count: int = Field(0, description="Inbound messages the token's user has not read")


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class MessageOut(Schema):
    id: UUID
    conversation_id: int
    channel_id: int
    direction: str
    author: str = Field(description="contact, agent, system or bot")
    author_user_id: int | None
    status: str
    text: str = Field(description="Plain-text rendering as the channel shows it")
    content: dict = Field(description="Provider-neutral content (see docs: content schema)")
    provider_message_id: str
    error_code: str
    error_message: str
    created_at: datetime
    queued_at: datetime | None
    sending_at: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    failed_at: datetime | None


class StatusEventOut(Schema):
    status: str
    at: datetime
    source: str
    applied: bool = Field(description="False when it arrived late and did not move the status")
    error_code: str
    error_message: str


class MessageDetail(MessageOut):
    status_events: list[StatusEventOut]


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class SendMessageIn(BaseModel):
    """Provider-neutral content, e.g. {"type": "text", "text": "hi"}, plus routing options.

    Any other content field (card, cards, suggestions, media fields, ...) is passed through
    to the channel, which validates it before anything is queued.
    """

    # A plain pydantic model: ninja's Schema drops unknown keys, content needs them all.
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="text, media, card, carousel, location, ...")
    channel_id: int | None = Field(
        None, description="Send on this channel of the workspace instead of the default"
    )
    ttl_seconds: int | None = Field(
        None,
        gt=0,
        description="Time-to-live: still undelivered after this, the message is revoked "
        "(and sent over the fallback channel when the channel has sms_on_expiry)",
    )

    def content(self) -> dict:
        return self.model_dump(exclude={"channel_id", "ttl_seconds"}, exclude_unset=True)


class RejectedRowOut(Schema):
    row: int = Field(description="The file's row number; the header is row 1")
    error: str


class ContactImportOut(Schema):
    id: int
    status: str = Field(description="queued, running, completed, failed or cancelled")
    total_rows: int | None = Field(description="Data rows in the file, once counted")
    processed: int
    created: int
    updated: int
    rejected_count: int
    rejected: list[RejectedRowOut]
    error: str = Field(description="Why a failed import stopped")


class ContactImportQueued(Schema):
    id: int
    status: str


class StartConversationIn(BaseModel):
    """Who to write to, on which channel, and the first message's content (as in a
    message POST: {"type": "text", "text": "..."} or any other content type)."""

    model_config = ConfigDict(extra="allow")

    contact_id: int | None = Field(None, description="A contact of the workspace")
    phone: str | None = Field(
        None, max_length=64, description="Or a number (E.164, or national with `country`)"
    )
    name: str | None = Field(None, max_length=200, description="The new contact's name")
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166")
    channel_id: int = Field(description="The channel the first message goes out on")
    type: str = Field(description="text, media, card, carousel, location, ...")

    def content(self) -> dict:
        return self.model_dump(
            exclude={"contact_id", "phone", "name", "country", "channel_id"}, exclude_unset=True
        )


class StartedConversationOut(ConversationOut):
    message_id: UUID = Field(description="The first message, queued")
