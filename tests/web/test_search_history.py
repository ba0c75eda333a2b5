"""Search results newest match first, paged by "Load more", bounded per request: a common
term walks only the newest messages, a rare one is read from the index, and a page that
reaches the bound first ends with "Search older messages" continuing from there."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Conversation, Message
from inbox.selectors import conversation_list
from inbox.services import search

from .fakes import inbound

pytestmark = pytest.mark.django_db

LIST = "/w/acme/fragments/conversations/"


def rows(html: str) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'<li id="conv-(\d+)"[^>]*data-testid="conversation-row"', html)
    ]


def more(html: str) -> str | None:
    found = re.search(r'data-testid="load-more"\s+hx-get="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def written(message: Message, days_ago: float) -> None:
    """Move a message (and its conversation's activity, if it is the newest) into the past."""
    at = timezone.now() - timedelta(days=days_ago)
    Message.objects.filter(pk=message.pk).update(created_at=at)
    conversation = message.conversation
    newest = Message.objects.filter(conversation=conversation).order_by("-created_at").first()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=newest.created_at)


def every_page(client, q: str) -> tuple[list[int], list[str]]:
    """Every row "Load more" reaches, in order, and the button labels on the way."""
    html = client.get(LIST, {"q": q, "status": "all"}).text
    found, labels = rows(html), []
    while (url := more(html)) is not None:
        labels.append(re.search(r'data-testid="load-more".*?>([^<]+)</button>', html, re.S)[1])
        html = client.get(url).text
        found += rows(html)
    return found, labels


@pytest.fixture
def parcels(channel):
    """Seven conversations mentioning "parcel", the newest match first in this list."""
    convs = []
    for i in range(7):
        message = inbound(channel, f"+1415555{i:04d}", f"parcel number {i}")
        written(message, days_ago=i + 1)
        convs.append(message.conversation)
    return convs


def test_results_are_ordered_by_the_newest_matching_message(agent_client, channel):
    old_match = inbound(channel, "+14155550001", "my parcel is lost")
    written(old_match, days_ago=10)
    inbound(channel, "+14155550001", "any news?")  # newest activity, no match
    recent_match = inbound(channel, "+14155550002", "parcel arrived")
    written(recent_match, days_ago=1)
    html = agent_client.get(LIST, {"q": "parcel", "status": "all"}).text
    assert rows(html) == [recent_match.conversation_id, old_match.conversation_id]


def test_load_more_pages_through_every_match_once(agent_client, parcels, monkeypatch):
    monkeypatch.setattr(conversation_list, "LIST_LIMIT", 3)
    found, labels = every_page(agent_client, "parcel")
    assert found == [c.pk for c in parcels]
    assert labels == ["Load more", "Load more"]


def test_a_common_term_stops_at_the_bound_and_searches_older_on_request(
    agent_client, parcels, monkeypatch
):
    monkeypatch.setattr(conversation_list, "LIST_LIMIT", 3)
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    monkeypatch.setattr(search, "SCAN_ROWS", 2)
    monkeypatch.setattr(search, "GIN_RECHECK_ROWS", -1)  # never read the index instead
    first = agent_client.get(LIST, {"q": "parcel", "status": "all"}).text
    assert rows(first) == [parcels[0].pk, parcels[1].pk]  # two messages looked at
    assert "Search older messages" in first
    found, labels = every_page(agent_client, "parcel")
    assert found == [c.pk for c in parcels]  # none lost, none twice
    assert "Search older messages" in labels


def test_a_search_that_found_nothing_yet_says_so_and_offers_older(
    agent_client, parcels, channel, monkeypatch
):
    for i in range(3):
        inbound(channel, f"+1999000{i:04d}", "newer chatter")
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    monkeypatch.setattr(search, "SCAN_ROWS", 2)
    monkeypatch.setattr(search, "GIN_RECHECK_ROWS", -1)
    html = agent_client.get(LIST, {"q": "parcel", "status": "all"}).text
    assert rows(html) == []
    assert "No matches among the newest messages." in html
    assert "Search older messages" in html


def test_a_rare_term_beyond_the_bound_is_still_found_at_once(
    agent_client, parcels, channel, monkeypatch
):
    order = inbound(channel, "+14155559999", "about order 48213")
    written(order, days_ago=30)
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    monkeypatch.setattr(search, "SCAN_ROWS", 2)
    html = agent_client.get(LIST, {"q": "48213", "status": "all"}).text
    assert rows(html) == [order.conversation_id]
    assert more(html) is None


def test_contact_and_text_matches_merge_in_one_order(agent_client, parcels):
    Conversation.objects.filter(pk=parcels[3].pk).update(last_message_at=timezone.now())
    named = parcels[5].contact
    named.name = "Parcel Smith"  # matches by name: ranked by its last activity
    named.save(update_fields=["name"])
    Conversation.objects.filter(pk=parcels[5].pk).update(last_message_at=timezone.now())
    found, _ = every_page(agent_client, "parcel")
    assert found[0] == parcels[5].pk
    assert sorted(found) == sorted(c.pk for c in parcels)
    assert len(found) == len(set(found))


def test_the_snippet_reads_only_the_newest_match(agent_client, channel):
    first = inbound(channel, "+14155550001", "parcel one")
    written(first, days_ago=2)
    inbound(channel, "+14155550001", "parcel two")
    html = agent_client.get(LIST, {"q": "parcel", "status": "all"}).text
    snippet = re.search(r'data-testid="search-snippet">(.*?)</span>', html, re.S)[1]
    assert "<mark>parcel</mark> two" in snippet


def test_a_thread_matching_on_both_sides_of_the_bound_is_listed_once(
    agent_client, parcels, channel, monkeypatch
):
    again = inbound(channel, "+14155550000", "parcel again, long ago")  # parcels[0]'s contact
    assert again.conversation_id == parcels[0].pk
    written(again, days_ago=20)
    monkeypatch.setattr(conversation_list, "LIST_LIMIT", 2)
    monkeypatch.setattr(search, "FIRST_CHUNK", 1)
    monkeypatch.setattr(search, "SCAN_ROWS", 3)
    monkeypatch.setattr(search, "GIN_RECHECK_ROWS", -1)
    found, labels = every_page(agent_client, "parcel")
    assert found == [c.pk for c in parcels]
    assert "Search older messages" in labels
