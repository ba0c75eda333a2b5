"""The conversation list: view tabs, filters, keyset pages, row details, the unread badge
and title, and a query count that does not depend on how many rows there are."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import services
from inbox.models import Conversation, ConversationStatus, Label, Team
from inbox.selectors.cursor import conversation_cursor

from .fakes import inbound, make_channel

pytestmark = pytest.mark.django_db

LIST = "/w/acme/fragments/conversations/"


def rows(html: str) -> list[str]:
    return re.findall(r'<li id="conv-(\d+)"[^>]*data-testid="conversation-row"', html)


def more_url(html: str) -> str | None:
    found = re.search(r'data-testid="load-more"\s+hx-get="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def unread_total(html: str) -> int:
    return int(re.search(r'data-testid="unread-total" data-count="(\d+)"', html).group(1))


def conversations(channel, n: int, start: int = 0) -> list[Conversation]:
    return [
        inbound(channel, f"+1555777{i:04d}", f"message {i}").conversation
        for i in range(start, start + n)
    ]


@pytest.fixture
def team(workspace):
    return Team.objects.create(workspace=workspace, name="Billing")


def test_view_tabs_mine_unassigned_team_and_all(
    agent_client, agent, manager, workspace, channel, team
):
    mine, theirs, unassigned, teamed = conversations(channel, 4)
    Conversation.objects.filter(pk=mine.pk).update(assignee=agent)
    Conversation.objects.filter(pk=theirs.pk).update(assignee=manager)
    Conversation.objects.filter(pk=teamed.pk).update(team=team)

    page = agent_client.get("/w/acme/").text
    assert set(rows(page)) == {str(c.pk) for c in (mine, theirs, unassigned, teamed)}
    tabs = re.findall(r'data-testid="view-tab" data-view="([^"]+)"', page)
    assert tabs == ["all", "mine", "unassigned", f"team-{team.pk}"]
    assert re.search(r'data-view="all" aria-current="page">All<', page)

    assert rows(agent_client.get("/w/acme/?view=mine").text) == [str(mine.pk)]
    assert set(rows(agent_client.get("/w/acme/?view=unassigned").text)) == {
        str(unassigned.pk),
        str(teamed.pk),
    }
    team_page = agent_client.get(f"/w/acme/?view=team-{team.pk}").text
    assert rows(team_page) == [str(teamed.pk)]
    assert re.search(rf'data-view="team-{team.pk}" aria-current="page">Billing<', team_page)
    # The fragment the live client re-fetches honours the view.
    assert rows(agent_client.get(f"{LIST}?view=mine").text) == [str(mine.pk)]


def test_tabs_keep_the_other_filters(agent_client, workspace, channel, team):
    conversations(channel, 1)
    page = agent_client.get(f"/w/acme/?status=pending&channel={channel.pk}&q=hello").text
    mine_link = re.search(r'<a href="([^"]+)" data-testid="view-tab" data-view="mine"', page)
    href = mine_link.group(1).replace("&amp;", "&")
    assert href.startswith("/w/acme/?view=mine&")
    assert "status=pending" in href and f"channel={channel.pk}" in href and "q=hello" in href


def test_label_and_channel_filters(agent_client, workspace, channel):
    vip = Label.objects.create(workspace=workspace, name="VIP")
    other = make_channel(workspace, name="Other line")
    a, b = conversations(channel, 2)
    c = inbound(other, "+15557770999", "elsewhere").conversation
    a.labels.add(vip)
    c.labels.add(vip)

    assert set(rows(agent_client.get(f"/w/acme/?label={vip.pk}").text)) == {str(a.pk), str(c.pk)}
    assert rows(agent_client.get(f"{LIST}?label={vip.pk}&channel={other.pk}").text) == [str(c.pk)]
    page = agent_client.get(f"/w/acme/?label={vip.pk}").text
    assert f'<option value="{vip.pk}" selected>VIP</option>' in page
    assert str(b.pk) not in rows(page)


def test_another_workspaces_team_or_label_shows_nothing_of_theirs(
    agent_client, other_workspace, other_conversation, conversation
):
    their_team = Team.objects.create(workspace=other_workspace, name="Theirs")
    Conversation.objects.filter(pk=other_conversation.pk).update(team=their_team)
    their_label = Label.objects.create(workspace=other_workspace, name="Theirs")
    other_conversation.labels.add(their_label)
    assert rows(agent_client.get(f"{LIST}?view=team-{their_team.pk}").text) == []
    assert rows(agent_client.get(f"{LIST}?label={their_label.pk}&status=all").text) == []
    assert agent_client.get("/w/globex/fragments/conversations/?cursor=n.5").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "view=team-abc",
        "view=nonsense",
        "label=x1",
        "channel=99999999999999999999999",
        "cursor=garbage",
        "cursor=2026-13-45T99:00:00_12",
        "cursor=2026-01-01T00:00:00_12",  # no time zone
        "assignee=-3",
        "q=" + "x" * 5000,
        "q=%22unbalanced",
        "q=%26%7C%21%28%29%3A%2A",  # tsquery operators typed literally
        "q=%26%7C+refund",  # operators, then a word searched as a prefix
        "q=-+or+refund",
        "q=%22a+b%22+c%22+refund",  # an open quote before the last word
        "q=%C3%A9t%C3%A9+%E6%97%A5%E6%9C%AC",  # non-Latin last word
        "selected=99999999999999999999999",
        "through=garbage",
        "through=none_x",
        "through=n.x",
        "cursor=1.2.3",
        "cursor=99999999999999999.5",  # past the pattern's 16 digits
    ],
)
def test_bad_query_strings_are_ignored_not_errors(agent_client, conversation, query):
    for path in (f"/w/acme/?{query}", f"{LIST}?{query}"):
        response = agent_client.get(path)
        assert response.status_code == 200, path


def test_keyset_pages_cover_every_row_once_in_order(agent_client, channel, monkeypatch):
    monkeypatch.setattr("inbox.selectors.conversation_list.LIST_LIMIT", 2)
    made = conversations(channel, 5)
    # Ties on the time, and a conversation without any message time, must still page
    # without skipping or repeating: the id breaks ties and nulls come last.
    same = timezone.now() - timedelta(minutes=5)
    Conversation.objects.filter(pk__in=[c.pk for c in made[:3]]).update(last_message_at=same)
    Conversation.objects.filter(pk=made[4].pk).update(last_message_at=None)

    first = agent_client.get(LIST).text
    seen = rows(first)
    url = more_url(first)
    pages = 1
    while url:
        response = agent_client.get(url)
        assert response.status_code == 200
        assert "<title>" not in response.text and 'data-testid="unread-total"' not in response.text
        seen += rows(response.text)
        url = more_url(response.text)
        pages += 1
    expected = [made[3].pk, made[2].pk, made[1].pk, made[0].pk, made[4].pk]
    assert seen == [str(pk) for pk in expected]
    assert pages == 3


def cursors(html: str) -> list[str]:
    return re.findall(r'data-testid="conversation-row"[^>]*data-cursor="([^"]+)"', html)


def test_refresh_of_a_list_extended_with_load_more_keeps_every_loaded_row(
    agent_client, channel, monkeypatch
):
    """The live refresh sends the last shown row's cursor as `through` (live_socket.js) and gets
    every row down to it, plus the Load more that continues after it."""
    monkeypatch.setattr("inbox.selectors.conversation_list.LIST_LIMIT", 2)
    made = conversations(channel, 7)
    same = timezone.now() - timedelta(minutes=5)
    Conversation.objects.filter(pk__in=[c.pk for c in made[2:5]]).update(last_message_at=same)
    Conversation.objects.filter(pk=made[1].pk).update(last_message_at=same - timedelta(minutes=1))
    Conversation.objects.filter(pk=made[0].pk).update(last_message_at=None)
    order = [made[6], made[5], made[4], made[3], made[2], made[1], made[0]]

    first = agent_client.get(LIST).text
    second = agent_client.get(more_url(first)).text
    assert 'data-page-size="2"' in first
    shown = rows(first) + rows(second)
    assert shown == [str(c.pk) for c in order[:4]]
    through = cursors(second)[-1]  # made[3], inside the run of equal times

    refreshed = agent_client.get(LIST, {"through": through}).text
    assert rows(refreshed) == shown
    assert unread_total(refreshed) == 7 and "<title>" in refreshed  # still a first page
    assert rows(agent_client.get(more_url(refreshed)).text) == [str(c.pk) for c in order[4:6]]
    assert "through" not in more_url(refreshed)  # links never carry it

    # A row from further down gets a message and moves to the top: it is added, none lost.
    inbound(channel, "+15557770000", "back again")  # made[0], the one without a time
    refreshed = agent_client.get(LIST, {"through": through}).text
    assert rows(refreshed) == [str(made[0].pk)] + shown

    # Loaded to the very end (the row without a time): all rows, and no Load more.
    Conversation.objects.filter(pk=made[1].pk).update(last_message_at=None)
    everything = agent_client.get(LIST, {"through": f"n.{made[1].pk}"}).text
    assert len(rows(everything)) == 7 and more_url(everything) is None


def test_refresh_through_a_position_above_the_first_page_still_shows_a_page(
    agent_client, channel, monkeypatch
):
    monkeypatch.setattr("inbox.selectors.conversation_list.LIST_LIMIT", 3)
    made = conversations(channel, 5)
    top = cursors(agent_client.get(LIST).text)[0]
    refreshed = agent_client.get(LIST, {"through": top}).text
    assert rows(refreshed) == [str(c.pk) for c in reversed(made)][:3]
    assert more_url(refreshed)


def test_refresh_through_costs_the_same_queries_for_3_and_40_rows(
    agent_client, channel, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("inbox.selectors.conversation_list.LIST_LIMIT", 2)
    made = conversations(channel, 45)
    newest_first = list(reversed(made))
    through = urlencode({"through": _cursor_of(newest_first[2])})
    small_count, small = _count(agent_client, f"{LIST}?{through}")
    assert len(rows(small)) == 3
    deep = _cursor_of(newest_first[39])
    with django_assert_max_num_queries(small_count):
        large = agent_client.get(LIST, {"through": deep})
    assert len(rows(large.text)) == 40 and more_url(large.text)


def _cursor_of(conversation: Conversation) -> str:
    conversation.refresh_from_db()
    return conversation_cursor(last_message_at=conversation.last_message_at, pk=conversation.pk)


def test_row_shows_channel_assignee_waiting_age_and_overdue(
    agent_client, agent, workspace, channel, settings
):
    settings.INBOX_RESPONSE_TARGET_MINUTES = 15
    late, fresh, answered = conversations(channel, 3)
    now = timezone.now()
    Conversation.objects.filter(pk=late.pk).update(
        waiting_since=now - timedelta(minutes=42), assignee=agent
    )
    Conversation.objects.filter(pk=fresh.pk).update(waiting_since=now - timedelta(minutes=3))
    Conversation.objects.filter(pk=answered.pk).update(waiting_since=None)
    html = agent_client.get(LIST).text

    def row(conv):
        return re.search(rf'<li id="conv-{conv.pk}".*?</li>', html, re.S).group(0)

    assert re.search(r'data-overdue="true"[^>]*>waiting 42m', row(late))
    assert 'data-testid="row-assignee"' in row(late) and "alice" in row(late)
    assert re.search(r'data-overdue="false"[^>]*>waiting 3m', row(fresh))
    assert 'data-testid="waiting-age"' not in row(answered)
    assert "Unassigned" in row(fresh)
    assert 'data-testid="row-channel"' in row(fresh) and "Support SMS" in row(fresh)


def test_unread_badge_and_title_count_unread_conversations_of_the_view(
    agent_client, agent, workspace, channel
):
    a, b, c = conversations(channel, 3)
    inbound(channel, "+15557770000", "a second message from a")  # still one conversation
    Conversation.objects.filter(pk=c.pk).update(status=ConversationStatus.RESOLVED)

    page = agent_client.get("/w/acme/")
    assert unread_total(page.text) == 2  # open view: a and b
    assert "<title>(2) Acme" in page.text
    fragment = agent_client.get(LIST).text
    assert fragment.lstrip().startswith("<title>(2) Acme")  # htmx applies it to the tab
    assert unread_total(agent_client.get(f"{LIST}?status=all").text) == 3

    services.mark_read(a, agent)
    assert unread_total(agent_client.get(LIST).text) == 1
    opened = agent_client.get(f"/w/acme/c/{b.pk}/").text  # opening reads it
    assert unread_total(opened) == 0
    assert re.search(r"<title>[^(<]*Acme", opened)
    # A new customer message makes it unread again.
    inbound(channel, "+15557770001", "anyone there?")
    refetched = agent_client.get(f"{LIST}?selected={b.pk}").text
    assert unread_total(refetched) == 1
    assert "<title>(1) +15557770001 · " in refetched


def _count(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.text


@pytest.mark.parametrize(
    "path",
    [LIST, f"{LIST}?view=mine&status=all", "/w/acme/", f"{LIST}?q=message&status=all"],
)
def test_query_count_is_the_same_for_5_and_50_rows(
    agent_client, agent, workspace, channel, team, path, django_assert_max_num_queries
):
    made = conversations(channel, 5)
    vip = Label.objects.create(workspace=workspace, name="VIP")
    for conv in made:
        conv.labels.add(vip)
    Conversation.objects.filter(pk__in=[c.pk for c in made]).update(assignee=agent, team=team)
    small_count, small = _count(agent_client, path)
    assert len(rows(small)) == 5

    more = conversations(channel, 45, start=100)
    Conversation.objects.filter(pk__in=[c.pk for c in more]).update(assignee=agent, team=team)
    with django_assert_max_num_queries(small_count):
        large = agent_client.get(path)
    assert len(rows(large.text)) == 50
