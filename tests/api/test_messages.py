import uuid

import pytest

from inbox.adapters import StatusUpdate
from inbox.models import Conversation, Message, MessageStatus
from inbox.services import apply_status, deliver

from .conftest import inbound, make_channel, minutes_ago


def messages_url(conversation_id):
    return f"/api/v1/conversations/{conversation_id}/messages"


def send(api, conversation_id, **body):
    return api.post(messages_url(conversation_id), body, content_type="application/json")


# --- reading ---------------------------------------------------------------------------


def test_messages_in_thread_order(api, channel, conversation):
    second = inbound(channel, text="second")
    third = inbound(channel, text="third")
    first = conversation.messages.order_by("created_at").first()
    body = api.get(messages_url(conversation.pk)).json()
    assert [m["id"] for m in body["items"]] == [str(first.pk), str(second.pk), str(third.pk)]
    assert body["next_cursor"] is None
    item = body["items"][0]
    assert item["direction"] == "inbound"
    assert item["author"] == "contact"
    assert item["status"] == "received"
    assert item["text"] == "Where is my order?"
    assert item["content"] == {"type": "text", "text": "Where is my order?"}
    assert item["conversation_id"] == conversation.pk
    assert item["channel_id"] == channel.pk
    assert item["author_user_id"] is None
    for key in (
        "error_code",
        "error_message",
        "created_at",
        "queued_at",
        "sent_at",
        "delivered_at",
        "read_at",
        "failed_at",
    ):
        assert key in item


def test_message_cursor_walks_ties_without_gaps(api, channel):
    at = minutes_ago(5)
    # Same created_at for all: the id breaks the tie.
    msgs = [inbound(channel, text=f"m{i}", at=at) for i in range(5)]
    conversation_id = msgs[0].conversation_id
    expected = sorted(str(m.pk) for m in msgs)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = api.get(messages_url(conversation_id), params).json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_message_list_query_count_is_constant(api, channel, django_assert_max_num_queries):
    conversation_id = inbound(channel).conversation_id
    for i in range(30):
        inbound(channel, text=f"m{i}")
    api.get(messages_url(conversation_id))
    # auth, conversation, messages
    with django_assert_max_num_queries(3):
        response = api.get(messages_url(conversation_id))
    assert len(response.json()["items"]) == 31


def test_bad_message_cursor_is_422(api, conversation):
    # A conversation-style cursor (time.int) is not a message cursor.
    response = api.get(messages_url(conversation.pk), {"cursor": "1735689600000000.1"})
    assert response.status_code == 422


def test_get_message_with_status_history(api, conversation, agent):
    response = send(api, conversation.pk, type="text", text="On its way")
    message_id = response.json()["id"]
    assert deliver(message_id) == "sent"
    message = Message.objects.get(pk=message_id)
    apply_status(message.channel, StatusUpdate(message.provider_message_id, "delivered"))
    apply_status(message.channel, StatusUpdate(message.provider_message_id, "sent"))  # late

    body = api.get(f"/api/v1/messages/{message_id}").json()
    assert body["id"] == message_id
    assert body["status"] == "delivered"
    assert body["sent_at"] and body["delivered_at"]
    history = [(e["status"], e["source"], e["applied"]) for e in body["status_events"]]
    assert history == [
        ("queued", "api", True),
        ("sending", "worker", True),
        ("sent", "worker", True),
        ("delivered", "webhook", True),
        ("sent", "webhook", False),
    ]


def test_unknown_message_is_404(api, conversation):
    assert api.get(f"/api/v1/messages/{uuid.uuid4()}").status_code == 404
    # Not an id at all: a JSON 422 like any other bad parameter (the document says uuid).
    assert api.get("/api/v1/messages/not-a-uuid").status_code == 422


# --- sending ---------------------------------------------------------------------------


def test_send_returns_201_with_a_queued_row(
    api, conversation, agent, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = send(api, conversation.pk, type="text", text="On it!")
    assert response.status_code == 201, response.content
    body = response.json()
    message = Message.objects.get(pk=body["id"])
    assert message.status == MessageStatus.QUEUED
    assert message.direction == "outbound"
    assert message.author_user == agent
    assert message.content == {"type": "text", "text": "On it!"}
    assert message.channel == channel
    assert body["status"] == "queued"
    assert body["author"] == "agent"
    assert body["author_user_id"] == agent.pk
    assert body["text"] == "On it!"
    assert body["queued_at"] is not None
    assert callbacks, "delivery must be enqueued after commit"
    conversation.refresh_from_db()
    assert conversation.waiting_since is None


def test_send_on_another_channel_of_the_workspace(api, workspace, conversation, fake_adapter):
    second = make_channel(workspace, name="Second", sender="+15550000002")
    response = send(api, conversation.pk, type="text", text="hi", channel_id=second.pk)
    assert response.status_code == 201
    assert response.json()["channel_id"] == second.pk
    assert Message.objects.get(pk=response.json()["id"]).content == {"type": "text", "text": "hi"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"type": "text", "text": "   "}, "content.text: must not be empty"),
        ({"type": "text", "text": "x" * 41}, "text: 41 > 40 characters"),
        ({"type": "card", "card": {"title": "Hi"}}, "type: card is not supported on this channel"),
        ({"text": "no type"}, "type: Field required"),
    ],
    ids=["empty", "too-long", "unsupported", "no-type"],
)
def test_rejected_send_is_422_and_writes_nothing(api, conversation, body, error):
    before = Message.objects.count()
    response = send(api, conversation.pk, **body)
    assert response.status_code == 422
    assert error in response.json()["errors"]
    assert response.json()["detail"]
    assert Message.objects.count() == before


def test_non_json_body_is_rejected(api, conversation):
    before = Message.objects.count()
    response = api.post(messages_url(conversation.pk), "not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert Message.objects.count() == before


def test_send_on_other_workspace_channel_is_rejected(api, conversation, other_channel):
    response = send(api, conversation.pk, type="text", text="hi", channel_id=other_channel.pk)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        f"channel_id: no channel {other_channel.pk} in this workspace"
    ]
    assert not Message.objects.filter(direction="outbound").exists()


# --- tenant isolation ------------------------------------------------------------------


def test_other_workspace_objects_are_404(api, conversation, other_conversation):
    foreign_message = other_conversation.messages.get()
    assert api.get(messages_url(other_conversation.pk)).status_code == 404
    assert api.get(f"/api/v1/messages/{foreign_message.pk}").status_code == 404
    response = send(api, other_conversation.pk, type="text", text="leak?")
    assert response.status_code == 404
    assert not Message.objects.filter(direction="outbound").exists()


def test_isolation_holds_both_ways(outsider_api, conversation, other_conversation):
    assert outsider_api.get(messages_url(conversation.pk)).status_code == 404
    own = outsider_api.get("/api/v1/conversations").json()["items"]
    assert [c["id"] for c in own] == [other_conversation.pk]


def test_missing_conversation_is_404(api, conversation):
    missing = Conversation.objects.order_by("-pk").first().pk + 1000
    assert api.get(messages_url(missing)).status_code == 404
    assert send(api, missing, type="text", text="hi").status_code == 404


def test_send_with_a_time_to_live_sets_the_expiry(api, conversation):
    response = send(api, conversation.pk, type="text", text="Sale ends at 5", ttl_seconds=600)
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.content == {"type": "text", "text": "Sale ends at 5"}
    assert 599 <= (message.expires_at - message.created_at).total_seconds() <= 600
    bad = send(api, conversation.pk, type="text", text="x", ttl_seconds=0)
    assert bad.status_code == 422
