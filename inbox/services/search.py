"""Inbox search: which conversations match what an agent typed, and a snippet of why.

A conversation matches when any of its messages' text, its contact's name, or one of its
contact's phone numbers/handles matches. Words use PostgreSQL full text with the 'simple'
configuration and ``websearch_to_tsquery`` (quotes for phrases, ``or``, ``-word``): no
stemming and no stop words, so names, order numbers and any language match as typed.
Something that looks like a phone number also matches identities by prefix, with or
without the leading "+" and whatever spaces or dashes were typed.

The expressions here are spelled exactly like the indexes of migration
0008_list_and_search_indexes (``to_tsvector('simple'::regconfig, text)``), or PostgreSQL
would not use them. Why that shape is fast at a million messages: see
``matching_conversations`` and bench/RESULTS.md.
"""

from __future__ import annotations

import html
import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.utils.safestring import SafeString, mark_safe

from inbox.models import ContactIdentity, Conversation, Message, Workspace

MAX_QUERY_LENGTH = 200
# Digits needed before a query is also tried as a phone-number prefix (fewer would match
# half the address book).
MIN_PHONE_DIGITS = 3
_PHONEISH = re.compile(r"^\+?[\d\s().-]+$")
# Control characters cannot occur in a message's text as stored from HTML-escaped input,
# so they mark the highlight boundaries through ts_headline and survive escaping.
_START, _STOP = "\x02", "\x03"


LIST_ORDER = F("last_message_at").desc(nulls_last=True)


class SimpleTsvector(Func):
    """``to_tsvector('simple'::regconfig, <column>)`` exactly as the GIN indexes have it.

    Django's SearchVector wraps the column in COALESCE, which no index matches.
    """

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def normalize(q: str) -> str:
    """What will be searched: trimmed, single-spaced, bounded in length."""
    return " ".join((q or "").split())[:MAX_QUERY_LENGTH]


def _tsquery(q: str) -> SearchQuery:
    return SearchQuery(q, config="simple", search_type="websearch")


def phone_prefixes(q: str) -> list[str]:
    """Identity prefixes a phone-looking query stands for ("+1 555-01" -> +155501, 155501)."""
    if not _PHONEISH.match(q):
        return []
    digits = re.sub(r"\D", "", q)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    return [f"+{digits}", digits]


def message_matches(workspace: Workspace, q: str) -> QuerySet[Message]:
    return (
        Message.objects.filter(workspace=workspace)
        .alias(document=SimpleTsvector("text"))
        .filter(document=_tsquery(q))
    )


def matching_conversations(
    conversations: QuerySet[Conversation], workspace: Workspace, q: str, limit: int
) -> QuerySet[Conversation]:
    """The first `limit` of `conversations` (in list order) that match `q`, as a queryset
    the caller orders and slices again (an empty query narrows nothing).

    Shape, chosen with EXPLAIN at a million messages: two branches, each ordered and
    limited, then their union. "Has a matching message" stays a plain EXISTS, which
    PostgreSQL turns into a semi-join and costs with the LIMIT in mind: a common word is
    found by walking the view's recency index and probing each conversation's messages,
    stopping after `limit`; a rare word starts from the GIN index instead. OR-ing it with
    the contact conditions in one WHERE would hide the LIMIT from that choice (a hashed
    subplan that reads every matching message: hundreds of milliseconds for a word in 10%
    of messages).
    """
    q = normalize(q)
    if not q:
        return conversations
    texts = message_matches(workspace, q).filter(conversation=OuterRef("pk"))
    by_text = conversations.filter(Exists(texts))
    by_contact = Q(contact__in=_contact_ids_by_name(workspace, q).values("pk"))
    prefixes = phone_prefixes(q)
    if prefixes:
        by_phone = Q()
        for prefix in prefixes:
            by_phone |= Q(value__startswith=prefix)
        identities = ContactIdentity.objects.filter(by_phone, workspace=workspace)
        by_contact |= Q(contact__in=identities.values("contact_id"))
    first = _first(by_text, limit).union(_first(conversations.filter(by_contact), limit))
    return conversations.filter(pk__in=first)


def _first(conversations: QuerySet[Conversation], limit: int) -> QuerySet:
    return conversations.order_by(LIST_ORDER, "-pk").values("pk")[:limit]


def _contact_ids_by_name(workspace: Workspace, q: str):
    from inbox.models import Contact

    return (
        Contact.objects.filter(workspace=workspace)
        .alias(document=SimpleTsvector("name"))
        .filter(document=_tsquery(q))
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
        _tsquery(q),
        Value(options),
        function="ts_headline",
        template="ts_headline('simple'::regconfig, %(expressions)s)",
        output_field=TextField(),
    )
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .alias(document=SimpleTsvector("text"))
        .filter(document=_tsquery(q))
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
]
