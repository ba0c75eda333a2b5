"""The keyset cursor every list pages with, the inbox's "Load more" and the REST API alike.

A cursor is the last row's sort key spelled plainly, `<microseconds since 1970>.<id>`
(`n.<id>` for a conversation never active, which sorts last). The API's OpenAPI document
states these patterns, so every string that matches is a position in the list (possibly
past its end: an empty page). Scoping happens before paging, so a tampered cursor can
only page through the caller's own workspace.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

# 16 digits of microseconds reach the years 1653 to 2286; 18 digits of id stay inside
# PostgreSQL's bigint. `n` stands for "never active" (conversations sorted last).
CONVERSATION_CURSOR = r"^(?:-?[0-9]{1,16}|n)\.[0-9]{1,18}$"
MESSAGE_CURSOR = r"^-?[0-9]{1,16}\.[0-9a-f]{32}$"
CONTACT_CURSOR = r"^-?[0-9]{1,16}\.[0-9]{1,18}$"
NEVER_ACTIVE = "n"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CONVERSATION = re.compile(CONVERSATION_CURSOR)
_MESSAGE = re.compile(MESSAGE_CURSOR)
_CONTACT = re.compile(CONTACT_CURSOR)


def _micros(at: datetime) -> str:
    return str((at - _EPOCH) // timedelta(microseconds=1))


def _time(micros: str) -> datetime:
    return _EPOCH + timedelta(microseconds=int(micros))


def conversation_cursor(*, last_message_at: datetime | None, pk: int) -> str:
    """The cursor of a conversation's place in a list ordered newest activity first."""
    at = NEVER_ACTIVE if last_message_at is None else _micros(last_message_at)
    return f"{at}.{pk}"


def message_cursor(*, created_at: datetime, pk: uuid.UUID) -> str:
    """The cursor of a message's place in a thread ordered oldest first."""
    return f"{_micros(created_at)}.{pk.hex}"


@dataclass(frozen=True)
class ConversationCursor:
    """A place in a conversation list ordered by (last_message_at desc nulls last, id desc)."""

    last_message_at: datetime | None
    pk: int

    @classmethod
    def parse(cls, raw: str | None) -> ConversationCursor | None:
        """None for anything that is not a cursor: a page treats it as the first page."""
        if not raw or not _CONVERSATION.fullmatch(raw):
            return None
        at, _, pk = raw.partition(".")
        return cls(None if at == NEVER_ACTIVE else _time(at), int(pk))

    def after(self) -> Q:
        """Rows strictly after this one in the list's order (nulls last, then id desc)."""
        if self.last_message_at is None:
            return Q(last_message_at__isnull=True, pk__lt=self.pk)
        return (
            Q(last_message_at__lt=self.last_message_at)
            | Q(last_message_at=self.last_message_at, pk__lt=self.pk)
            | Q(last_message_at__isnull=True)
        )

    def at_or_before(self) -> Q:
        """Rows up to and including this position in the list's order (what a list that
        was loaded down to here shows)."""
        if self.last_message_at is None:
            dated = Q(last_message_at__isnull=False)
            return dated | Q(last_message_at__isnull=True, pk__gte=self.pk)
        return Q(last_message_at__gt=self.last_message_at) | Q(
            last_message_at=self.last_message_at, pk__gte=self.pk
        )


@dataclass(frozen=True)
class MessageCursor:
    """A place in a thread ordered by (created_at, id) ascending."""

    created_at: datetime
    pk: uuid.UUID

    @classmethod
    def parse(cls, raw: str | None) -> MessageCursor | None:
        if not raw or not _MESSAGE.fullmatch(raw):
            return None
        at, _, key = raw.partition(".")
        return cls(_time(at), uuid.UUID(hex=key))

    def after(self) -> Q:
        return Q(created_at__gt=self.created_at) | Q(created_at=self.created_at, pk__gt=self.pk)


def contact_cursor(*, created_at: datetime, pk: int) -> str:
    """The cursor of a contact's place in the contact list ordered newest first."""
    return f"{_micros(created_at)}.{pk}"


@dataclass(frozen=True)
class ContactCursor:
    """A place in the contact list ordered by (created_at desc, id desc)."""

    created_at: datetime
    pk: int

    @classmethod
    def parse(cls, raw: str | None) -> ContactCursor | None:
        """None for anything that is not a cursor: a page treats it as the first page."""
        if not raw or not _CONTACT.fullmatch(raw):
            return None
        at, _, pk = raw.partition(".")
        return cls(_time(at), int(pk))

    def after(self) -> Q:
        return Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
