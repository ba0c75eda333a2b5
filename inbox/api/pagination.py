"""Keyset (cursor) pagination for the API: stable under inserts, constant cost at any depth.

The cursor itself (`<microseconds since 1970>.<id>`, and the patterns the OpenAPI
document states) is inbox.selectors.cursor's, the same the inbox's "Load more" uses.
Clients should still treat it as opaque.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from inbox.selectors.cursor import (
    CONVERSATION_CURSOR,
    MESSAGE_CURSOR,
    ConversationCursor,
    MessageCursor,
    conversation_cursor,
    message_cursor,
)
from inbox.services.search import LIST_ORDER

MAX_LIMIT = 100
DEFAULT_LIMIT = 50
CURSOR_HELP = "The previous page's `next_cursor`, as it is (treat it as opaque)"

__all__ = [
    "CONVERSATION_CURSOR",
    "CURSOR_HELP",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MESSAGE_CURSOR",
    "InvalidCursor",
    "newest_activity_first",
    "oldest_first",
]


class InvalidCursor(ValueError):
    pass


def _refused() -> InvalidCursor:
    # The operation's pattern has already checked the shape; this is the last guard.
    return InvalidCursor("cursor: not a cursor this API issued")


def _page(qs: QuerySet, limit: int, cursor_of: Callable) -> tuple[list, str | None]:
    rows = list(qs[: limit + 1])
    next_cursor = cursor_of(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def newest_activity_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Conversations by (last_message_at desc, id desc); never-active ones come last."""
    qs = qs.order_by(LIST_ORDER, "-pk")
    if cursor:
        position = ConversationCursor.parse(cursor)
        if position is None:
            raise _refused()
        qs = qs.filter(position.after())
    return _page(
        qs, limit, lambda row: conversation_cursor(last_message_at=row.last_message_at, pk=row.pk)
    )


def oldest_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Messages in thread order, (created_at, id) ascending."""
    qs = qs.order_by("created_at", "id")
    if cursor:
        position = MessageCursor.parse(cursor)
        if position is None:
            raise _refused()
        qs = qs.filter(position.after())
    return _page(qs, limit, lambda row: message_cursor(created_at=row.created_at, pk=row.pk))
