"""The thread as the customer saw it: rich content, ticks, fallback, notes, system lines,
with a query count that does not grow with the number of messages."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from inbox import services
from inbox.adapters import Capabilities, InboundMessage, register
from inbox.models import Message
from inbox.services.assignment import assign
from inbox.services.notes import add_note

from .fakes import PageAdapter, inbound
from .test_composer import find, one, text_of

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


class RichPageAdapter(PageAdapter):
    kind = "pagerich"
    label = "Rich test"

    def capabilities(self, channel):
        return Capabilities(rich_cards=True, suggestions=True, media=True, max_text_length=40)


@pytest.fixture
def rich_channel(workspace):
    register(RichPageAdapter())
    return services.create_channel(workspace, kind="pagerich", name="Support RCS", config={})


def customer_sends(channel, content, sender="+15551230001"):
    (message,) = services.ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"rich-{next(_ids)}",
                sender=sender,
                recipient="+15550000000",
                content=content,
                text=content.get("text", ""),
                received_at=timezone.now(),
            )
        ],
    )
    return message


CARD = {
    "type": "card",
    "card": {
        "title": "Blue sneakers",
        "description": "Size 42, in stock",
        "media": {"url": "https://example.com/shoe.jpg", "height": "medium"},
        "suggestions": [
            {"type": "reply", "text": "Buy"},
            {"type": "open_url", "text": "Details", "url": "https://example.com/shoe"},
        ],
    },
    "suggestions": [{"type": "dial", "text": "Call us", "phone": "+14155550100"}],
}


def test_rich_content_renders_as_the_customer_sees_it(agent_client, agent, rich_channel):
    conversation = customer_sends(rich_channel, {"type": "text", "text": "hi"}).conversation
    services.send_message(conversation, CARD, user=agent, channel=rich_channel)
    services.send_message(
        conversation,
        {"type": "carousel", "cards": [{"title": "One"}, {"title": "Two"}, {"title": "Three"}]},
        user=agent,
        channel=rich_channel,
    )
    customer_sends(rich_channel, {"type": "suggestion_response", "text": "Buy", "postback": "buy"})
    customer_sends(
        rich_channel,
        {"type": "location", "latitude": 48.8584, "longitude": 2.2945, "label": "Home"},
    )
    customer_sends(
        rich_channel,
        {"type": "media", "url": "https://example.com/photo.png", "mime_type": "image/png"},
    )
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    cards = find(html, "rich-card")
    assert len(cards) == 4  # the card + three carousel cards
    assert "Blue sneakers" in cards[0]["text"] and "Size 42" in cards[0]["text"]
    chips = find(html, "message-chip")
    assert [(c["attrs"]["data-kind"], c["text"].strip()) for c in chips] == [
        ("reply", "Buy"),
        ("open_url", "🔗 Details"),
        ("dial", "📞 Call us"),
    ]
    assert chips[1]["attrs"]["href"] == "https://example.com/shoe"
    assert chips[2]["attrs"]["href"] == "tel:+14155550100"
    assert text_of(html, "tapped-chip") == "Buy"
    location = one(html, "location")
    assert "Home" in location["text"]
    media = find(html, "message-media")
    assert [m["attrs"]["data-kind"] for m in media] == ["image", "image"]
    assert 'aria-label="Carousel of 3 cards"' in html


def test_a_numbered_option_shows_the_option_and_what_was_typed(agent_client, rich_channel, agent):
    conversation = customer_sends(rich_channel, {"type": "text", "text": "hi"}).conversation
    customer_sends(
        rich_channel,
        {
            "type": "suggestion_response",
            "text": "Pay now",
            "postback": "pay",
            "original_text": "2",
        },
    )
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    assert text_of(html, "chosen-option") == "Pay now"
    assert text_of(html, "typed-text") == "typed “2”"
    assert not find(html, "tapped-chip")  # not shown as a tap it was not


def test_rich_content_on_a_text_channel_shows_the_text_it_became(agent_client, agent, channel):
    conversation = inbound(channel, "+15551230001", "hi").conversation
    reply = services.send_message(
        conversation,
        {"type": "text", "text": "Pick one", "suggestions": [{"type": "reply", "text": "A"}]},
        user=agent,
    )
    html = agent_client.get(f"/w/acme/fragments/m/{reply.pk}/").text
    assert not find(html, "message-chip")
    assert "suggestion chips" in text_of(html, "sent-as-text")


@pytest.mark.parametrize(
    ("status", "tick"),
    [("queued", "🕓"), ("sent", "✓"), ("delivered", "✓✓"), ("read", "✓✓"), ("failed", "⚠")],
)
def test_delivery_ticks(agent_client, agent, conversation, status, tick):
    reply = services.send_message(conversation, {"type": "text", "text": "Hi"}, user=agent)
    Message.objects.filter(pk=reply.pk).update(status=status, error_message="Unreachable handset")
    html = agent_client.get(f"/w/acme/fragments/m/{reply.pk}/").text
    status_el = one(html, "message-status")
    assert status_el["attrs"]["data-status"] == status
    assert status_el["text"].strip().startswith(tick)
    assert bool(find(html, "retry-button")) == (status == "failed")
    if status == "failed":
        assert "Unreachable handset" in status_el["text"]


def test_notes_and_system_lines_in_the_thread(agent_client, agent, manager, conversation):
    add_note(conversation, "@mona VIP customer, be nice\nsecond line", author=agent)
    assign(conversation, actor=agent, assignee=manager)
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    rows = find(html, "message")
    kinds = [(r["attrs"]["data-direction"], r["attrs"].get("data-kind")) for r in rows]
    assert kinds == [("inbound", None), ("internal", "note"), ("internal", "system")]
    assert "Private note" in rows[1]["text"] and "not sent to the customer" in rows[1]["text"]
    assert text_of(html, "mention") == "@mona"
    assert "<br>second line" in html
    assert "alice assigned this to mona." in rows[2]["text"]


def test_note_text_is_escaped(agent_client, agent, conversation):
    add_note(conversation, "<script>alert(1)</script> @alice", author=agent)
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_thread_query_count_does_not_grow(
    agent_client, agent, manager, rich_channel, django_assert_max_num_queries
):
    conversation = customer_sends(rich_channel, {"type": "text", "text": "hi"}).conversation

    def add_round():
        services.send_message(conversation, CARD, user=agent, channel=rich_channel)
        add_note(conversation, "@mona look", author=agent)
        customer_sends(rich_channel, {"type": "suggestion_response", "text": "Buy"})

    add_round()
    url = f"/w/acme/fragments/c/{conversation.pk}/thread/"
    with django_assert_max_num_queries(10) as small:
        agent_client.get(url)
    for _ in range(10):
        add_round()
    assign(conversation, actor=agent, assignee=manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = agent_client.get(url).text
    assert len(find(html, "message")) == 1 + 3 * 11 + 1
    page = f"/w/acme/c/{conversation.pk}/"
    with django_assert_max_num_queries(40) as few:
        agent_client.get(page)
    add_round()
    with django_assert_max_num_queries(len(few.captured_queries)):
        agent_client.get(page)


def test_channel_is_marked_on_each_message(agent_client, agent, workspace, channel, rich_channel):
    conversation = inbound(channel, "+15551230001", "by sms").conversation
    customer_sends(rich_channel, {"type": "text", "text": "by rcs"})
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/thread/").text
    assert [e["text"] for e in find(html, "message-channel")] == [
        "via Support SMS",
        "via Support RCS",
    ]
