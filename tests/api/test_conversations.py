import pytest

from inbox.models import Contact, Conversation, ConversationStatus

from .conftest import inbound, make_channel, minutes_ago

URL = "/api/v1/conversations"


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_conversation_json(api, conversation, channel):
    inbound(channel, text="Anyone there?")
    body = api.get(URL).json()
    assert body["next_cursor"] is None
    [item] = body["items"]
    assert item["id"] == conversation.pk
    assert item["status"] == "open"
    assert item["channel_id"] == channel.pk
    assert item["contact"]["name"] == "Ana"
    assert item["contact"]["identities"] == [{"kind": "phone", "value": "+14155550100"}]
    assert item["assignee"] is None
    assert item["last_message_preview"] == "Anyone there?"
    assert item["unread_count"] == 2
    assert item["last_message_at"] and item["waiting_since"]


def test_most_recent_activity_first(api, channel):
    old = inbound(channel, sender="+14155550001", at=minutes_ago(30)).conversation
    new = inbound(channel, sender="+14155550002", at=minutes_ago(1)).conversation
    mid = inbound(channel, sender="+14155550003", at=minutes_ago(10)).conversation
    assert ids(api.get(URL)) == [new.pk, mid.pk, old.pk]


def test_filter_by_status(api, channel):
    open_ = inbound(channel, sender="+14155550001").conversation
    resolved = inbound(channel, sender="+14155550002").conversation
    Conversation.objects.filter(pk=resolved.pk).update(status=ConversationStatus.RESOLVED)
    assert ids(api.get(URL, {"status": "resolved"})) == [resolved.pk]
    assert ids(api.get(URL, {"status": "open"})) == [open_.pk]


def test_unknown_status_is_422(api, conversation):
    response = api.get(URL, {"status": "archived"})
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("status:")


def test_filter_by_channel(api, workspace, channel):
    second = make_channel(workspace, name="Second", sender="+15550000002")
    on_first = inbound(channel, sender="+14155550001").conversation
    on_second = inbound(second, sender="+14155550002").conversation
    assert ids(api.get(URL, {"channel": channel.pk})) == [on_first.pk]
    assert ids(api.get(URL, {"channel": second.pk})) == [on_second.pk]


def test_filter_by_assignee(api, channel, agent, manager):
    mine = inbound(channel, sender="+14155550001", at=minutes_ago(3)).conversation
    theirs = inbound(channel, sender="+14155550002", at=minutes_ago(2)).conversation
    nobody = inbound(channel, sender="+14155550003", at=minutes_ago(1)).conversation
    Conversation.objects.filter(pk=mine.pk).update(assignee=agent)
    Conversation.objects.filter(pk=theirs.pk).update(assignee=manager)
    assert ids(api.get(URL, {"assignee": str(manager.pk)})) == [theirs.pk]
    assert ids(api.get(URL, {"assignee": "me"})) == [mine.pk]
    assert ids(api.get(URL, {"assignee": "none"})) == [nobody.pk]
    assigned = api.get(URL, {"assignee": str(agent.pk)}).json()["items"]
    assert assigned[0]["assignee"] == {"id": agent.pk, "username": agent.username}


def test_bad_assignee_is_422(api, conversation):
    response = api.get(URL, {"assignee": "bob"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Invalid request"
    assert body["errors"][0].startswith("assignee: String should match pattern")


def test_cursor_walks_every_conversation_once_in_order(api, channel):
    convs = [
        inbound(channel, sender=f"+1415555{i:04d}", at=minutes_ago(100 - i)).conversation
        for i in range(7)
    ]
    # Ties on last_message_at are broken by id, so nothing is skipped or repeated.
    tie = minutes_ago(1)
    Conversation.objects.filter(pk__in=[c.pk for c in convs[2:5]]).update(last_message_at=tie)
    # A conversation that never had activity sorts last.
    quiet = Contact.objects.create(workspace=channel.workspace, name="Quiet")
    never = Conversation.objects.create(workspace=channel.workspace, contact=quiet, channel=channel)
    expected = list(
        Conversation.objects.order_by("-last_message_at", "-id").values_list("id", flat=True)
    )
    expected.remove(never.pk)
    expected.append(never.pk)

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get(URL, params).json()
        assert len(body["items"]) <= 3
        seen += [item["id"] for item in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if cursor is None:
            break
    assert seen == expected
    assert pages == 3


def test_cursor_keeps_filters(api, channel):
    for i in range(4):
        inbound(channel, sender=f"+1415555{i:04d}", at=minutes_ago(10 - i))
    resolved = list(Conversation.objects.order_by("-last_message_at")[:3])
    Conversation.objects.filter(pk__in=[c.pk for c in resolved]).update(status="resolved")
    first = api.get(URL, {"status": "resolved", "limit": 2}).json()
    second = api.get(URL, {"status": "resolved", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [c.pk for c in resolved]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage!", "bm90IGpzb24", "1.2.3", "n.x", "12.", ".5"])
def test_bad_cursor_is_422(api, conversation, cursor):
    # The document states the cursor's pattern; what does not match it is a bad parameter.
    response = api.get(URL, {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("cursor:")


def test_any_cursor_of_the_stated_pattern_is_a_page(api, conversation):
    assert api.get(URL, {"cursor": "n.1"}).json() == {"items": [], "next_cursor": None}
    assert api.get(URL, {"cursor": "-9999999999999999.999999999999999999"}).status_code == 200


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_is_bounded(api, conversation, limit):
    response = api.get(URL, {"limit": limit})
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith("limit:")


@pytest.mark.parametrize("count", [2, 25])
def test_list_query_count_does_not_grow_with_rows(
    api, channel, agent, count, django_assert_max_num_queries
):
    for i in range(count):
        message = inbound(channel, sender=f"+1415555{i:04d}")
        inbound(channel, sender=f"+1415555{i:04d}", text="again")
        Conversation.objects.filter(pk=message.conversation_id).update(assignee=agent)
    api.get(URL)  # the first request also stamps last_used_at
    # auth, conversations (+contact, assignee), identities, unread counts
    with django_assert_max_num_queries(4):
        response = api.get(URL)
    assert len(response.json()["items"]) == count


def test_other_workspace_conversations_are_invisible(api, conversation, other_conversation):
    assert ids(api.get(URL)) == [conversation.pk]
    assert ids(api.get(URL, {"channel": other_conversation.channel_id})) == []
