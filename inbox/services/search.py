"""Inbox search: which conversations match what an agent typed, and a snippet of why.

A conversation matches when any of its messages' text, its contact's name, or one of its
contact's phone numbers/handles matches. Words use PostgreSQL full text with the 'simple'
configuration and ``websearch_to_tsquery`` (quotes for phrases, ``or``, ``-word``): no
stemming and no stop words, so names, order numbers and any language match as typed.
The last word typed also matches as a prefix ("deliv" finds "delivery"), so results
make sense while the agent is still typing. Something that looks like a phone number
also matches identities by prefix, with or without the leading "+" and whatever spaces
or dashes were typed.

Message text is matched on the stored ``Message.search_vector`` (migration 0009, GIN
indexed); contact names on the expression index of migration 0008, spelled exactly
``to_tsvector('simple'::regconfig, name)`` here. Why the plan is chosen in Python: see
``_text_positions`` and bench/RESULTS.md.

The inbox list searches with ``search_page``: results newest match first, each request
reading a bounded amount whatever the size of the history ("Search older messages"
continues where a page stopped); see bench/RESULTS.md, "Search at 10M messages".
"""

from __future__ import annotations

import html
import json
import operator
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.sql import Query
from django.utils.safestring import SafeString, mark_safe

from inbox.models import Contact, ContactIdentity, Conversation, Message, Workspace
from inbox.selectors.cursor import ConversationCursor
from inbox.storable import storable_text

MAX_QUERY_LENGTH = 200
# A last word this long or longer also matches as a prefix (one letter would match a
# good part of the vocabulary and say little).
MIN_PREFIX_LENGTH = 2
# Up to this many matching messages, search starts from the GIN index (the matches are
# few: read them all, then order their conversations); beyond it, from the list's recency
# index (the matches are common: the first page fills after a few probes).
FEW_MATCHES = 2000
# When a term is common (more than FEW_MATCHES matches), a page walks the workspace's
# messages newest first (index dash_msg_ws_created) and examines at most this many; if the
# page is not full by then, it ends with "Search older messages" from where it stopped.
# This bound, not the size of the history, caps what one request reads.
SCAN_ROWS = 20000
FIRST_CHUNK = 1000
# Below this estimate of rows the GIN index hands over for rechecking, reading every
# remaining match of a term the walk did not find enough of is cheap.
GIN_RECHECK_ROWS = 20000
_PREFIXABLE = re.compile(r"^[^\W_]+$")
# Digits needed before a query is also tried as a phone-number prefix (fewer would match
# half the address book).
MIN_PHONE_DIGITS = 3
_PHONEISH = re.compile(r"^\+?[\d\s().-]+$")
# Control characters cannot occur in a message's text as stored from HTML-escaped input,
# so they mark the highlight boundaries through ts_headline and survive escaping.
_START, _STOP = "\x02", "\x03"


LIST_ORDER = F("last_message_at").desc(nulls_last=True)


class SimpleTsvector(Func):
    """``to_tsvector('simple'::regconfig, <column>)`` exactly as the name index has it.

    Django's SearchVector wraps the column in COALESCE, which no index matches.
    """

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def normalize(q: str) -> str:
    """What will be searched: trimmed, single-spaced, bounded in length, and storable
    (PostgreSQL refuses a NUL even in a query parameter)."""
    return " ".join(storable_text(q or "").split())[:MAX_QUERY_LENGTH]


def _websearch(q: str) -> SearchQuery:
    return SearchQuery(q, config="simple", search_type="websearch")


def tsquery(q: str) -> SearchQuery:
    """`q` in web-search syntax, its last plain word matching as a prefix.

    websearch_to_tsquery has no prefix syntax, so the last word is split off and joined
    back as ``to_tsquery('word:*')`` with the operator websearch would have used: AND, or
    OR after a typed "or" (``a b or c`` is ``(a & b) | c`` either way). Anything else as
    the last word (a quoted phrase, ``-word``, punctuation) keeps plain websearch meaning.
    """
    words = q.split(" ")
    last = words[-1]
    head = words[:-1]
    if (
        len(last) < MIN_PREFIX_LENGTH
        or not _PREFIXABLE.match(last)
        or last.lower() == "or"
        or " ".join(head).count('"') % 2
    ):
        return _websearch(q)
    prefix = SearchQuery(f"{last}:*", config="simple", search_type="raw")
    either = len(head) > 1 and head[-1].lower() == "or"
    if either:
        head = head[:-1]
    if not head:
        return prefix
    rest = _websearch(" ".join(head))
    return rest | prefix if either else rest & prefix


def phone_prefixes(q: str) -> list[str]:
    """Identity prefixes a phone-looking query stands for ("+1 555-01" -> +155501, 155501)."""
    if not _PHONEISH.match(q):
        return []
    digits = re.sub(r"\D", "", q)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    return [f"+{digits}", digits]


def message_matches(workspace: Workspace, q: str) -> QuerySet[Message]:
    """The workspace's messages whose text matches `q` (on the stored, indexed vector)."""
    return Message.objects.filter(workspace=workspace, search_vector=tsquery(q))


@dataclass
class SearchPage:
    """Conversations matching a search, newest match first: `hits` are (pk, position)
    pairs, up to limit + 1 of them (one more says there is a next page). `older` is where
    "Search older messages" continues when the scan bound was reached before the page
    filled (None: every match up to the last hit was looked at)."""

    hits: list[tuple[int, datetime | None]]
    older: ConversationCursor | None = None
    # When each conversation's newest matching message was written (found by its text).
    matched: dict[int, datetime] = field(default_factory=dict)


def search_page(
    conversations: QuerySet[Conversation],
    workspace: Workspace,
    q: str,
    cursor: ConversationCursor | None,
    limit: int,
) -> SearchPage:
    """The next `limit` (+1) of `conversations` matching `q`, ordered by their newest
    match: the newest matching message, or last activity when the contact's name or
    number matches. Gmail, Front and Slack order results this way, and unlike "last
    activity, match anywhere in the past" it can be served without reading all history.

    A page reads a bounded amount whatever the history (see ``_text_positions``); when
    the bound is reached before the page fills, the page ends with a continuation
    (``older``, "Search older messages") instead of reading on.
    """
    q = normalize(q)
    before = cursor.last_message_at if cursor is not None else None
    # A "Search older messages" cursor (id 0) resumes below the oldest message looked at.
    resume = cursor is not None and cursor.pk == 0
    text_at, frontier = _text_positions(conversations, workspace, q, before, limit, resume)
    older = ConversationCursor(frontier, 0) if frontier is not None else None
    by_contact = _by_contact(workspace, q)
    after = conversations.filter(cursor.after()) if cursor is not None else conversations
    contact_at = dict(
        after.filter(by_contact)
        .order_by(LIST_ORDER, "-pk")
        .values_list("pk", "last_message_at")[: limit + 1]
    )
    rows = conversations.filter(pk__in=set(text_at) | set(contact_at)).values_list(
        "pk", "last_message_at", Exists(Conversation.objects.filter(by_contact, pk=OuterRef("pk")))
    )
    hits = []
    for pk, last_at, contact_match in rows:
        at = last_at if contact_match else text_at.get(pk)
        if cursor is not None and not _before_cursor(at, pk, cursor):
            continue
        if older is not None and (at is None or at < older.last_message_at):
            continue  # not yet: an unexamined older message may rank above it
        hits.append((pk, at))
    hits.sort(key=lambda hit: (hit[1] is not None, hit[1] or datetime.min, hit[0]), reverse=True)
    if len(hits) > limit:
        return SearchPage(hits[: limit + 1], matched=text_at)
    return SearchPage(hits, older, matched=text_at)


def _text_positions(
    conversations: QuerySet[Conversation],
    workspace: Workspace,
    q: str,
    before: datetime | None,
    limit: int,
    resume: bool = False,
) -> tuple[dict[int, datetime], datetime | None]:
    """Each candidate conversation's newest matching message (none newer than `before`:
    those were on earlier pages), and the frontier: the oldest message looked at when
    older ones were not (None: every match was looked at).

    When the planner's estimate of what the GIN index hands over for rechecking (for a
    phrase, every row with all its words) is small, the matches are read from it, at most
    FEW_MATCHES + 1 of them: a rare term (an order number) is found however old. Else,
    or when there are more matches than that, the newest messages are walked newest
    first in growing chunks (at most SCAN_ROWS): a common term fills the page at once, a
    rarer one stops at the frontier. Reading every match of a phrase of common words from
    the index instead costs in proportion to history (630 ms at 10M messages).
    """
    texts = message_matches(workspace, q)
    since = "created_at__gte" if resume else "created_at__gt"  # what earlier pages covered
    if _gin_rows(workspace, q) <= GIN_RECHECK_ROWS:
        older = texts
        if before is not None:
            older = texts.filter(**{"created_at__lt" if resume else "created_at__lte": before})
        every = _few(older.values_list("conversation_id", "created_at"), distinct=False)
        if every is not None:
            text_at = _newest(every)
            done = _shown(texts, text_at, before, since)
            return {pk: at for pk, at in text_at.items() if pk not in done}, None
    text_at: dict[int, datetime] = {}
    start, budget, chunk = before, SCAN_ROWS, FIRST_CHUNK
    frontier = None
    shown: set[int] = set()  # a match newer than `before`: on an earlier page
    while budget > 0:
        found, frontier = _scan(workspace, q, start, min(chunk, budget), strict=resume)
        fresh = {pk: at for pk, at in found.items() if pk not in text_at and pk not in shown}
        shown |= _shown(texts, fresh, before, since)
        text_at.update({pk: at for pk, at in fresh.items() if pk not in shown})
        budget -= chunk
        chunk *= 4
        if frontier is None:
            break
        if conversations.filter(pk__in=list(text_at))[: limit + 1].count() > limit:
            break
        start, resume = frontier, True
    return text_at, frontier


def _shown(
    texts: QuerySet[Message], candidates: dict, before: datetime | None, since: str
) -> set[int]:
    """Which candidates have a match from `before` on (shown on an earlier page); read
    through each thread's index from `before` on."""
    if before is None or not candidates:
        return set()
    newer = texts.filter(conversation_id__in=list(candidates), **{since: before})
    return set(newer.values_list("conversation_id", flat=True).distinct())


def _gin_rows(workspace: Workspace, q: str) -> float:
    """PostgreSQL's estimate of the rows the GIN index hands over for `q` (~1 ms, nothing
    read). Taken without the prefix, for which the planner only has a fixed guess: a word
    nobody wrote has no longer words either, most of the time."""
    exact = Message.objects.filter(workspace=workspace, search_vector=_websearch(q))
    plan = json.loads(exact.explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def _before_cursor(at: datetime | None, pk: int, cursor: ConversationCursor) -> bool:
    if cursor.last_message_at is None:
        return at is None and pk < cursor.pk
    return (
        at is None
        or at < cursor.last_message_at
        or (at == cursor.last_message_at and pk < cursor.pk)
    )


def _newest(matches: list[tuple[int, datetime]]) -> dict[int, datetime]:
    newest: dict[int, datetime] = {}
    for pk, at in matches:
        if pk not in newest or at > newest[pk]:
            newest[pk] = at
    return newest


def _scan(
    workspace: Workspace, q: str, before: datetime | None, rows: int, *, strict: bool
) -> tuple[dict[int, datetime], datetime | None]:
    """Newest match per conversation among the `rows` newest messages up to `before`,
    and the oldest of them if there may be older messages (one query; the text is
    checked outside the LIMIT, so PostgreSQL cannot swap the walk for a read of every
    match, and the walk reads index dash_msg_ws_created)."""
    query = Query(Message)
    compiler = query.get_compiler(connection=connection)
    text_sql, text_params = tsquery(q).resolve_expression(query).as_sql(compiler, connection)
    bound = f"AND created_at {'<' if strict else '<='} %s" if before is not None else ""
    sql = f"""
        WITH walk AS MATERIALIZED (
            SELECT conversation_id, created_at, search_vector @@ ({text_sql}) AS hit
            FROM inbox_message WHERE workspace_id = %s {bound}
            ORDER BY created_at DESC LIMIT %s
        )
        SELECT conversation_id, max(created_at) FROM walk WHERE hit GROUP BY conversation_id
        UNION ALL
        SELECT NULL, min(created_at) FROM walk HAVING count(*) >= %s
    """
    params = [*text_params, workspace.pk, *([before] if before is not None else []), rows]
    with connection.cursor() as cur:
        cur.execute(sql, [*params, rows])
        found = cur.fetchall()
    newest = {pk: at for pk, at in found if pk is not None}
    oldest = [at for pk, at in found if pk is None]
    return newest, (oldest[0] if oldest else None)


def _by_contact(workspace: Workspace, q: str) -> Q:
    names = _contact_ids_by_name(workspace, q).values_list("pk", flat=True)
    identities = _contact_ids_by_phone(workspace, q)
    contact_hits = _few(names.union(identities, all=True))
    if contact_hits is None:
        return Q(contact__in=names) | Q(contact__in=identities)
    return Q(contact__in=contact_hits)


def _few(ids: QuerySet, *, distinct: bool = True) -> list | None:
    """The distinct ids `ids` yields (every row, if not `distinct`), or None when it
    yields more than FEW_MATCHES rows (one query, reading at most FEW_MATCHES + 1 rows)."""
    found = list(ids[: FEW_MATCHES + 1])
    if len(found) > FEW_MATCHES:
        return None
    return sorted(set(found)) if distinct else found


def _contact_ids_by_name(workspace: Workspace, q: str) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(workspace=workspace)
        .alias(document=SimpleTsvector("name"))
        .filter(document=tsquery(q))
    )


def _contact_ids_by_phone(workspace: Workspace, q: str) -> QuerySet:
    """Contact ids with an identity starting with what was typed, if it looks like a
    phone number (none otherwise)."""
    prefixes = phone_prefixes(q)
    if not prefixes:
        return ContactIdentity.objects.none().values_list("contact_id", flat=True)
    by_phone = Q()
    for prefix in prefixes:
        by_phone |= Q(value__startswith=prefix)
    return ContactIdentity.objects.filter(by_phone, workspace=workspace).values_list(
        "contact_id", flat=True
    )


def snippets(
    conversation_ids: list[int], q: str, matched: dict[int, datetime] | None = None
) -> dict[int, SafeString]:
    """The newest matching message of each conversation, highlighted, in one query.

    With `matched` (when each one's newest match was written, as ``search_page`` found
    it), only those messages are read: otherwise every match of each thread is read and
    highlighted, which grows with the thread's history.

    HTML-safe: the text is escaped here and only our own <mark> tags are added (and
    ts_headline leaves out anything its parser takes for a markup tag).
    """
    q = normalize(q)
    if not q or not conversation_ids:
        return {}
    options = f"StartSel={_START}, StopSel={_STOP}, MaxWords=14, MinWords=6"
    headline = Func(
        "text",
        tsquery(q),
        Value(options),
        function="ts_headline",
        template="ts_headline('simple'::regconfig, %(expressions)s)",
        output_field=TextField(),
    )
    messages = Message.objects.filter(conversation_id__in=conversation_ids)
    if matched is not None:
        at = [
            Q(conversation_id=pk, created_at=matched[pk])
            for pk in conversation_ids
            if pk in matched
        ]
        if not at:
            return {}
        messages = Message.objects.filter(reduce(operator.or_, at))
    rows = (
        messages.filter(search_vector=tsquery(q))
        .order_by("conversation_id", "-created_at")
        .distinct("conversation_id")
        .annotate(snippet=headline)
        .values_list("conversation_id", "snippet")
    )
    return {conv: _highlight(text) for conv, text in rows}


def _highlight(text: str) -> SafeString:
    escaped = html.escape(text, quote=False)
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


__all__ = [
    "message_matches",
    "normalize",
    "phone_prefixes",
    "search_page",
    "snippets",
    "tsquery",
]
