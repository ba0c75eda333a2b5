"""Inbox search: message text, contact names and phone numbers, with highlighted snippets,
inside the current view, scoped to the workspace, on the indexes built for it."""

from __future__ import annotations

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from inbox.models import Contact, Conversation, ConversationStatus, Message
from inbox.services import search

from .fakes import inbound

pytestmark = pytest.mark.django_db

LIST = "/w/acme/fragments/conversations/"


def rows(html: str) -> list[str]:
    return re.findall(r'<li id="conv-(\d+)"[^>]*data-testid="conversation-row"', html)


def found(client, q: str, extra: str = "") -> set[str]:
    response = client.get(LIST, {"q": q, "status": "all", **dict(p.split("=") for p in extra)})
    assert response.status_code == 200
    return set(rows(response.text))


@pytest.fixture
def threads(channel):
    parcel = inbound(channel, "+14155550101", "Where is my parcel? Order 48213").conversation
    inbound(channel, "+14155550101", "It was due yesterday")
    refund = inbound(channel, "+14155550202", "I want a refund for the broken lamp").conversation
    late = inbound(channel, "+442071838750", "The delivery is late again").conversation
    Contact.objects.filter(pk=refund.contact_id).update(name="Ana García")
    return {"parcel": parcel, "refund": refund, "late": late}


def ids(*convs) -> set[str]:
    return {str(c.pk) for c in convs}


def test_matches_words_in_any_message_of_the_thread(agent_client, threads):
    assert found(agent_client, "parcel") == ids(threads["parcel"])
    assert found(agent_client, "yesterday") == ids(threads["parcel"])  # not the last message
    assert found(agent_client, "48213") == ids(threads["parcel"])
    assert found(agent_client, "REFUND") == ids(threads["refund"])  # case-insensitive
    assert found(agent_client, "nothing-like-this") == set()


def test_web_search_syntax_phrases_or_and_exclusion(agent_client, threads):
    assert found(agent_client, "parcel refund") == set()  # all words must match
    assert found(agent_client, "parcel or refund") == ids(threads["parcel"], threads["refund"])
    assert found(agent_client, '"delivery is late"') == ids(threads["late"])
    assert found(agent_client, '"late delivery"') == set()
    assert found(agent_client, "my -parcel") == set()


def test_matches_contact_name_and_phone_prefix(agent_client, threads):
    assert found(agent_client, "garcía") == ids(threads["refund"])
    assert found(agent_client, "+1415555") == ids(threads["parcel"], threads["refund"])
    assert found(agent_client, "1 415 555-0202") == ids(threads["refund"])  # no +, spaced
    assert found(agent_client, "+44 20") == ids(threads["late"])
    assert found(agent_client, "41") == set()  # too short to be taken as a number


def test_search_stays_inside_the_view_and_filters(agent_client, agent, threads):
    Conversation.objects.filter(pk=threads["refund"].pk).update(assignee=agent)
    Conversation.objects.filter(pk=threads["late"].pk).update(status=ConversationStatus.RESOLVED)
    assert found(agent_client, "+1415555", ["view=mine"]) == ids(threads["refund"])
    open_only = agent_client.get(LIST, {"q": "late"}).text
    assert rows(open_only) == []
    assert "No conversations match “late”" in open_only


def test_snippet_highlights_the_newest_matching_message_and_escapes_html(
    agent_client, channel, threads
):
    inbound(channel, "+14155550101", "my parcel arrived: 2 < 3 & <script>x</script> thanks")
    html = agent_client.get(LIST, {"q": "parcel", "status": "all"}).text
    snippet = re.search(r'data-testid="search-snippet">(.*?)</span>', html, re.S).group(1)
    assert "<mark>parcel</mark>" in snippet
    assert "2 &lt; 3 &amp;" in snippet and "<script>" not in snippet
    assert "arrived" in snippet  # the newest matching message, not the first
    assert "Results for “parcel”" in html


def test_search_page_keeps_the_query_in_the_box_and_links(agent_client, threads):
    page = agent_client.get("/w/acme/", {"q": "refund"}).text
    assert 'data-testid="search-input"' in page and 'value="refund"' in page
    assert rows(page) == [str(threads["refund"].pk)]
    assert f'href="/w/acme/c/{threads["refund"].pk}/?q=refund"' in page


def test_another_workspaces_messages_and_contacts_are_never_found(
    agent_client, threads, other_conversation
):
    assert found(agent_client, "Globex secret") == set()
    assert found(agent_client, "+1555999") == set()
    assert agent_client.get("/w/globex/fragments/conversations/?q=secret").status_code == 404


def test_phone_prefixes_normalise_what_was_typed():
    assert search.phone_prefixes("+1 (415) 555-01") == ["+141555501", "141555501"]
    assert search.phone_prefixes("refund") == []
    assert search.phone_prefixes("12") == []
    assert search.normalize("  late   parcel ") == "late parcel"
    assert len(search.normalize("x" * 1000)) == search.MAX_QUERY_LENGTH


def test_search_indexes_exist_with_the_expressions_the_queries_use(workspace):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('msg_text_fts', 'contact_name_fts', 'identity_value_prefix')"
        )
        defs = dict(cur.fetchall())
    assert "gin (to_tsvector('simple'::regconfig, text))" in defs["msg_text_fts"]
    assert "gin (to_tsvector('simple'::regconfig, (name)::text))" in defs["contact_name_fts"]
    assert "varchar_pattern_ops" in defs["identity_value_prefix"]
    # The query spells the same expression, or the planner could not use the index.
    sql = str(search.message_matches(workspace, "x").query)
    assert 'to_tsvector(\'simple\'::regconfig, "inbox_message"."text")' in sql


def test_the_query_expression_is_the_indexed_one(workspace, channel):
    """If the ORM spelled to_tsvector differently (say with COALESCE), PostgreSQL could not
    use the GIN index at all: with sequential scans off it would still not appear."""
    for i in range(30):
        inbound(channel, f"+1555888{i:04d}", f"filler text number {i}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE inbox_message")
        cur.execute("SET LOCAL enable_seqscan = off")
    plan = (
        Message.objects.alias(document=search.SimpleTsvector("text"))
        .filter(document=SearchQuery("zebra", config="simple", search_type="websearch"))
        .explain()
    )
    assert "msg_text_fts" in plan
