"""The conversation list's reads: a page of rows, the unread badge, how long each customer
has waited; a bounded number of queries whatever the list size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, prefetch_related_objects
from django.utils import timezone

from inbox import access, services
from inbox.models import Conversation, ReadMarker, Workspace
from inbox.services import search

from .conversation_filters import ConversationFilters
from .cursor import ConversationCursor, conversation_cursor

LIST_LIMIT = 50
# A refresh re-fetches at most this many rows however far "Load more" went (the rest
# come back with the next "Load more").
MAX_REFRESH_ROWS = 500
# The unread badge counts up to this and then says "99+": counting every unread
# conversation of a 100,000-row view would cost more than the whole list.
UNREAD_CAP = 100
# A customer waiting longer than this for a reply is flagged overdue in the list.
DEFAULT_RESPONSE_TARGET_MINUTES = 15


@dataclass
class ConversationPage:
    """One page of the list: rows (each with .unread, .waiting, .overdue, .snippet) and
    the cursor of the next page, if there is one."""

    rows: list[Conversation]
    next_cursor: str | None
    # A search stopped at its scan bound: next_cursor continues with older messages.
    older: bool = False


# What a row draws (inbox/templatetags/conversation_rows.py, templates/inbox/
# _conversation_row.html) and its cursor: reading only these skips a page's JSON columns
# (the contact's attributes, the channel's config) and most of its timestamps, a good part
# of building 200 model instances a page. A row is drawn, never saved.
ROW_FIELDS = (
    "id",
    "status",
    "last_message_at",
    "last_message_preview",
    "waiting_since",
    "contact__id",
    "contact__name",
    "channel__id",
    "channel__kind",
    "channel__name",
    "assignee__id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def _rows(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return conversations.select_related("contact", "channel", "assignee").only(*ROW_FIELDS)


def _with_identities(rows: list[Conversation]) -> list[Conversation]:
    """A contact without a name is shown by its first identity (Contact.display_name):
    those contacts' identities in one query, and none read for the named ones."""
    nameless = [row.contact for row in rows if not row.contact.name]
    if nameless:
        prefetch_related_objects(nameless, "identities")
    return rows


def _cursor_of(conversation: Conversation) -> str:
    return conversation_cursor(last_message_at=conversation.last_message_at, pk=conversation.pk)


def conversation_page(
    *,
    workspace: Workspace,
    user,
    filters: ConversationFilters,
    cursor: ConversationCursor | None = None,
    limit: int = LIST_LIMIT,
) -> ConversationPage:
    """A page of the list in a fixed number of queries: rows (contact, channel and
    assignee joined), identities, unread counts, and search snippets when searching.

    The first page of a list loaded further (``filters.through``) is every row down to
    that position, so a live refresh does not take away rows the agent loaded; it is
    never shorter than a page (rows can move up past that position as they change).
    """
    rows = None
    next_cursor = None
    older = False
    matched = None
    if filters.q:  # ordered by newest match; a refresh shows the first page again
        rows, next_cursor, older, matched = _search(workspace, user, filters, cursor, limit)
    elif cursor is None and filters.through is not None:
        rows = _fetch(workspace, user, filters, None, MAX_REFRESH_ROWS + 1, filters.through)
        if len(rows) > MAX_REFRESH_ROWS:
            rows = rows[:MAX_REFRESH_ROWS]
            next_cursor = _cursor_of(rows[-1])
        elif len(rows) < limit:
            rows = None  # fewer than a page: an ordinary first page instead
        elif filters.apply(workspace, user, filters.through)[:1].exists():
            next_cursor = _cursor_of(rows[-1])
    if rows is None:
        rows = _fetch(workspace, user, filters, cursor, limit + 1)
        next_cursor = _cursor_of(rows[limit - 1]) if len(rows) > limit else None
        rows = rows[:limit]
    unread = services.unread_counts(rows, user) if rows else {}
    snippets = search.snippets([row.pk for row in rows], filters.q, matched) if filters.q else {}
    now = timezone.now()
    target = response_target_minutes()
    for row in rows:
        row.unread = unread.get(row.pk, 0)
        row.snippet = snippets.get(row.pk)
        row.cursor = _cursor_of(row)
        row.waiting, row.overdue = waiting_age(row.waiting_since, now, target)
    return ConversationPage(rows=rows, next_cursor=next_cursor, older=older)


def _search(
    workspace: Workspace,
    user,
    filters: ConversationFilters,
    cursor: ConversationCursor | None,
    limit: int,
) -> tuple[list[Conversation], str | None, bool, dict]:
    """A page of search results newest match first, its next cursor (a position in that
    order), whether that cursor continues a search stopped at its scan bound, and when
    each row's newest matching message was written (for its snippet)."""
    conversations = filters.narrow(workspace, user)
    found = search.search_page(conversations, workspace, filters.q, cursor, limit)
    position = dict(found.hits)
    by_pk = {row.pk: row for row in _rows(conversations.filter(pk__in=list(position)))}
    rows = _with_identities([by_pk[pk] for pk, _ in found.hits if pk in by_pk])
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = conversation_cursor(last_message_at=position[last.pk], pk=last.pk)
        return rows[:limit], next_cursor, False, found.matched
    if found.older is not None:
        at = found.older.last_message_at
        older = conversation_cursor(last_message_at=at, pk=found.older.pk)
        return rows, older, True, found.matched
    return rows, None, False, found.matched


def _fetch(
    workspace: Workspace,
    user,
    filters: ConversationFilters,
    cursor: ConversationCursor | None,
    limit: int,
    through: ConversationCursor | None = None,
) -> list[Conversation]:
    return _with_identities(
        list(_rows(filters.apply(workspace, user, cursor, through=through))[:limit])
    )


def selected_conversation(*, workspace: Workspace, pk: int) -> Conversation | None:
    """The open thread's conversation when it is not among the listed rows (the page
    title names its contact); None when it is not in the workspace."""
    return (
        access.conversations(workspace)
        .select_related("contact")
        .prefetch_related("contact__identities")
        .filter(pk=pk)
        .first()
    )


def unread_total(*, workspace: Workspace, user, filters: ConversationFilters) -> int:
    """Conversations in the view (search aside) with a customer message the user has not
    read, up to UNREAD_CAP. One query (after its planner setting): an anti-join on the
    user's read markers."""
    read = ReadMarker.objects.filter(
        conversation=OuterRef("pk"), user=user, read_at__gte=OuterRef("last_inbound_at")
    )
    unread = (
        filters.narrow(workspace, user)
        .filter(last_inbound_at__isnull=False)
        .exclude(Exists(read))
        .values("pk")
    )
    with transaction.atomic(savepoint=False):  # SET LOCAL: for this statement only
        # At most 100 rows: a parallel plan (PostgreSQL picks one for a label filter on a
        # long history) spends more starting a worker than it saves, 13-22 ms instead of
        # 3-4 ms for a team + channel + label view at 10M messages (issue 20).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        return unread[:UNREAD_CAP].count()


def unread_label(count: int) -> str:
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


def response_target_minutes() -> int:
    return int(getattr(settings, "INBOX_RESPONSE_TARGET_MINUTES", DEFAULT_RESPONSE_TARGET_MINUTES))


def waiting_age(since: datetime | None, now: datetime, target_minutes: int) -> tuple[str, bool]:
    """("12m" / "3h" / "2d", overdue?) for a customer waiting since `since`, else ("", False).

    SLA-style: the clock is the first unanswered customer message (waiting_since), so a
    customer who writes three times is not made younger by their own follow-ups.
    """
    if since is None:
        return "", False
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        label = f"{minutes}m"
    elif minutes < 48 * 60:
        label = f"{minutes // 60}h"
    else:
        label = f"{minutes // (24 * 60)}d"
    return label, minutes >= target_minutes
