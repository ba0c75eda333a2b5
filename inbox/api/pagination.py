"""Keyset (cursor) pagination: stable under inserts, constant cost at any depth.

Cursors are opaque to clients (base64 of the last row's sort key); a tampered cursor can
only page through the caller's own workspace, because scoping happens before paging.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime

from django.db.models import F, Q, QuerySet

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


class InvalidCursor(ValueError):
    pass


def encode_cursor(*values) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("cursor: not a cursor this API issued") from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursor("cursor: not a cursor this API issued")
    return values


def _parse_time(value) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InvalidCursor("cursor: not a cursor this API issued") from exc


def _page(qs: QuerySet, limit: int, key) -> tuple[list, str | None]:
    rows = list(qs[: limit + 1])
    next_cursor = encode_cursor(*key(rows[limit - 1])) if len(rows) > limit else None
    return rows[:limit], next_cursor


def newest_activity_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Conversations by (last_message_at desc, id desc); never-active ones come last."""
    qs = qs.order_by(F("last_message_at").desc(nulls_last=True), "-id")
    if cursor:
        at, pk = decode_cursor(cursor, 2)
        at = _parse_time(at)
        if not isinstance(pk, int):
            raise InvalidCursor("cursor: not a cursor this API issued")
        if at is None:
            qs = qs.filter(last_message_at__isnull=True, id__lt=pk)
        else:
            qs = qs.filter(
                Q(last_message_at__lt=at)
                | Q(last_message_at=at, id__lt=pk)
                | Q(last_message_at__isnull=True)
            )
    return _page(qs, limit, lambda row: (row.last_message_at, row.id))


def oldest_first(qs: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Messages in thread order, (created_at, id) ascending."""
    qs = qs.order_by("created_at", "id")
    if cursor:
        at, pk = decode_cursor(cursor, 2)
        at = _parse_time(at)
        try:
            pk = uuid.UUID(pk)
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidCursor("cursor: not a cursor this API issued") from exc
        if at is None:
            raise InvalidCursor("cursor: not a cursor this API issued")
        qs = qs.filter(Q(created_at__gt=at) | Q(created_at=at, id__gt=pk))
    return _page(qs, limit, lambda row: (row.created_at, str(row.id)))
