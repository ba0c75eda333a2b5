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
``matching_conversations`` and bench/RESULTS.md.
"""

from __future__ import annotations

import html
import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.utils.safestring import SafeString, mark_safe

from inbox.models import Contact, ContactIdentity, Conversation, Message, Workspace
from inbox.storable import storable_text

MAX_QUERY_LENGTH = 200
# A last word this long or longer also matches as a prefix (one letter would match a
# good part of the vocabulary and say little).
MIN_PREFIX_LENGTH = 2
# Up to this many matching messages, search starts from the GIN index (the matches are
# few: read them all, then order their conversations); beyond it, from the list's recency
# index (the matches are common: the first page fills after a few probes).
FEW_MATCHES = 2000
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


def matching_conversations(
    conversations: QuerySet[Conversation], workspace: Workspace, q: str, limit: int
) -> QuerySet[Conversation]:
    """The first `limit` of `conversations` (in list order) that match `q`, as a queryset
    the caller orders and slices again (an empty query narrows nothing).

    Two branches, each ordered and limited, then their union: by message text, and by
    contact name or phone (OR-ing them in one WHERE hides the LIMIT from the planner).

    Each branch has two good plans and PostgreSQL cannot tell which applies: it estimates
    a phrase like the AND of its words and a prefix at a fixed guess, so a rare phrase of
    common words (or a prefix nobody has) got the plan for common words, walking the
    view's recency index and probing each conversation: 150,000 messages or 100,000
    contact names at the benchmark's size, ~400-600 ms. So the plan is chosen here from a
    capped read of the indexes (``_few``): up to FEW_MATCHES matches, the matching ids go
    into the query as a list, which PostgreSQL then costs exactly; more than that, the
    term is common and the recency walk fills a page after a few probes.
    """
    q = normalize(q)
    if not q:
        return conversations
    texts = message_matches(workspace, q)
    text_hits = _few(texts.values_list("conversation_id", flat=True))
    if text_hits is None:
        by_text = Q(Exists(texts.filter(conversation=OuterRef("pk"))))
    else:
        by_text = Q(pk__in=text_hits)
    names = _contact_ids_by_name(workspace, q).values_list("pk", flat=True)
    identities = _contact_ids_by_phone(workspace, q)
    contact_hits = _few(names.union(identities, all=True))
    if contact_hits is None:
        by_contact = Q(contact__in=names) | Q(contact__in=identities)
    else:
        by_contact = Q(contact__in=contact_hits)
    first = _first(conversations.filter(by_text), limit).union(
        _first(conversations.filter(by_contact), limit)
    )
    return conversations.filter(pk__in=first)


def _few(ids: QuerySet) -> list[int] | None:
    """The distinct ids `ids` yields, or None when it yields more than FEW_MATCHES rows
    (one query, reading at most FEW_MATCHES + 1 rows)."""
    found = list(ids[: FEW_MATCHES + 1])
    if len(found) > FEW_MATCHES:
        return None
    return sorted(set(found))


def _first(conversations: QuerySet[Conversation], limit: int) -> QuerySet:
    return conversations.order_by(LIST_ORDER, "-pk").values("pk")[:limit]


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


def snippets(conversation_ids: list[int], q: str) -> dict[int, SafeString]:
    """The newest matching message of each conversation, highlighted, in one query.

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
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids, search_vector=tsquery(q))
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
    "matching_conversations",
    "message_matches",
    "normalize",
    "phone_prefixes",
    "snippets",
    "tsquery",
]
