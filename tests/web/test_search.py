"""Inbox search: message text, contact names and phone numbers, with highlighted snippets,
inside the current view, scoped to the workspace, on the indexes built for it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models.sql import Query

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
            "('msg_search_vector', 'msg_text_fts', 'contact_name_fts', 'identity_value_prefix')"
        )
        defs = dict(cur.fetchall())
    assert "gin (search_vector)" in defs["msg_search_vector"]
    assert "msg_text_fts" not in defs  # replaced by the stored column: no double upkeep
    assert "gin (to_tsvector('simple'::regconfig, (name)::text))" in defs["contact_name_fts"]
    assert "varchar_pattern_ops" in defs["identity_value_prefix"]
    # The query reads the stored column, not an expression no index has.
    sql = str(search.message_matches(workspace, "x").query)
    assert '"inbox_message"."search_vector" @@' in sql


def test_the_search_vector_is_filled_by_the_database_on_every_write_path(workspace, channel):
    """Generated by PostgreSQL: the ORM, a raw UPDATE and the COPY loader all get it."""
    message = inbound(channel, "+15557770001", "Parcel ARRIVED damaged")
    with connection.cursor() as cur:
        cur.execute("SELECT search_vector::text FROM inbox_message WHERE id = %s", [message.pk])
        assert cur.fetchone()[0] == "'arrived':2 'damaged':3 'parcel':1"
        cur.execute("UPDATE inbox_message SET text = 'fixed now' WHERE id = %s", [message.pk])
    assert set(search.message_matches(workspace, "fixed")) == {message}
    assert not search.message_matches(workspace, "damaged").exists()


def test_the_query_uses_the_gin_index(workspace, channel):
    """If the query did not read the indexed column, PostgreSQL could not use the GIN
    index at all: with sequential scans off it would still not appear."""
    for i in range(30):
        inbound(channel, f"+1555888{i:04d}", f"filler text number {i}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE inbox_message")
        cur.execute("SET LOCAL enable_seqscan = off")
    plan = Message.objects.filter(search_vector=search.tsquery("zebra")).explain()
    assert "msg_search_vector" in plan


def test_the_last_word_typed_matches_as_a_prefix(agent_client, threads):
    assert found(agent_client, "parc") == ids(threads["parcel"])
    assert found(agent_client, "where is my par") == ids(threads["parcel"])
    assert found(agent_client, "4821") == ids(threads["parcel"])  # an order number half typed
    assert found(agent_client, "Gar") == ids(threads["refund"])  # contact names too
    assert found(agent_client, "lamp or deliv") == ids(threads["refund"], threads["late"])
    # Only the last word: earlier ones are whole words, and so is a word with an exclusion,
    # in a phrase or of one letter.
    assert found(agent_client, "parc where") == set()
    assert found(agent_client, "refund -bro") == ids(threads["refund"])  # not "broken"
    assert found(agent_client, '"delivery is la"') == set()
    assert found(agent_client, "due y") == set()


def test_prefix_snippet_highlights_the_whole_word(agent_client, threads):
    html = agent_client.get(LIST, {"q": "deliv", "status": "all"}).text
    assert "<mark>delivery</mark>" in html


@pytest.mark.parametrize(
    ("typed", "tsquery"),
    [
        ("refund", "'refund':*"),
        ("late deliv", "'late' & 'deliv':*"),
        ("late parcel or deliv", "'late' & 'parcel' | 'deliv':*"),
        ('"late delivery"', "'late' <-> 'delivery'"),
        ("my -parcel", "'my' & !'parcel'"),
        ("x", "'x'"),
        ("&|!():*", ""),
    ],
)
def test_prefix_query_shape(typed, tsquery):
    query = Query(None)
    sql, params = (
        search.tsquery(typed)
        .resolve_expression(query)
        .as_sql(query.get_compiler(connection=connection), connection)
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT ({sql})::text", params)
        assert cur.fetchone()[0] == tsquery
