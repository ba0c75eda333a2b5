"""Keyset (cursor) pagination: stable under inserts, constant cost at any depth.

A cursor is the last row's sort key spelled plainly, `<microseconds since 1970>.<id>`,
and the OpenAPI document states its pattern: every string that matches is a position
in the list (possibly past its end: an empty page), so a client can tell from the
document alone what the API accepts. Clients should still treat it as opaque. A
tampered cursor can only page through the caller's own workspace, because scoping
happens before paging.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from django.db.models import F, Q, QuerySet

MAX_LIMIT = 100
DEFAULT_LIMIT = 50

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# 16 digits of microseconds reach the years 1653 to 2286; 18 digits of id stay inside
# PostgreSQL's bigint. `n` stands for "never active" (conversations sorted last).
CONVERSATION_CURSOR = r"^(?:-?[0-9]{1,16}|n)\.[0-9]{1,18}$"
MESSAGE_CURSOR = r"^-?[0-9]{1,16}\.[0-9a-f]{32}$"
CURSOR_HELP = "The previous page's `next_cursor`, as it is (treat it as opaque)"


class InvalidCursor(ValueError):
    pass


def _micros(at: datetime) -> str:
    return str((at - _EPOCH) // timedelta(microseconds=1))


def _time(micros: str) -> datetime:
    return _EPOCH + timedelta(microseconds=int(micros))


def conversation_cursor(at: datetime | None, pk: int) -> str:
    return f"{'n' if at is None else _micros(at)}.{pk}"


def message_cursor(at: datetime, pk: uuid.UUID) -> str:
    return f"{_micros(at)}.{pk.hex}"


def _split(cursor: str) -> tuple[str, str]:
    """The two halves; the view's pattern has already checked the shape."""
    at, sep, key = cursor.partition(".")
    if not sep:
        raise InvalidCursor("cursor: not a cursor this API issued")
    return at, key


def _page(qs: QuerySet, limit: int, cursor_of) -> tuple[list, str | None]:
    rows = list(qs[: limit + 1])
    next_cursor = cursor_of(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def newest_activity_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Conversations by (last_message_at desc, id desc); never-active ones come last."""
    qs = qs.order_by(F("last_message_at").desc(nulls_last=True), "-id")
    if cursor:
        at, key = _split(cursor)
        pk = int(key)
        if at == "n":
            qs = qs.filter(last_message_at__isnull=True, id__lt=pk)
        else:
            when = _time(at)
            qs = qs.filter(
                Q(last_message_at__lt=when)
                | Q(last_message_at=when, id__lt=pk)
                | Q(last_message_at__isnull=True)
            )
    return _page(qs, limit, lambda row: conversation_cursor(row.last_message_at, row.id))


def oldest_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Messages in thread order, (created_at, id) ascending."""
    qs = qs.order_by("created_at", "id")
    if cursor:
        at, key = _split(cursor)
        when, pk = _time(at), uuid.UUID(hex=key)
        qs = qs.filter(Q(created_at__gt=when) | Q(created_at=when, id__gt=pk))
    return _page(qs, limit, lambda row: message_cursor(row.created_at, row.id))
