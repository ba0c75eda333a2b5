"""Composer extras: private notes, "/" canned responses, the rich card builder and the
reasons the composer gives for what a channel cannot do."""

from __future__ import annotations

import pytest

from inbox import services
from inbox.adapters import Capabilities, register
from inbox.models import CannedResponse, Direction, Mention, Message

from .fakes import PageAdapter, inbound
from .test_composer import find, one, text_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


class RichPageAdapter(PageAdapter):
    kind = "pagerich2"
    label = "RCS"
    unreachable: set[str] = set()

    def capabilities(self, channel):
        return Capabilities(rich_cards=True, suggestions=True, media=True, max_text_length=400)

    def validate(self, channel, content):
        return []

    def reachable(self, channel, to):
        return to not in self.unreachable


@pytest.fixture
def rich_conversation(workspace, channel):
    adapter = register(RichPageAdapter())
    rich = services.create_channel(
        workspace, kind="pagerich2", name="Support RCS", config={}, fallback=channel
    )
    conversation = inbound(rich, "+15551230009", "hello").conversation
    yield conversation
    adapter.unreachable.clear()


def test_note_toggle_adds_a_private_note_that_is_never_sent(
    agent_client, agent, manager, conversation
):
    response = agent_client.post(
        f"/w/acme/c/{conversation.pk}/reply/",
        {"mode": "note", "text": "@mona refund approved?", "channel": conversation.channel_id},
        **HTMX,
    )
    assert response.status_code == 200
    note = Message.objects.get(direction=Direction.INTERNAL)
    assert note.author == "agent" and note.author_user == agent
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["mona"]
    # The fresh composer stays in note mode and the note is appended to the thread.
    assert "checked" in one(response.text, "note-toggle")["attrs"]
    assert text_of(response.text, "send-button") == "Add note"
    assert f'id="msg-{note.pk}"' in response.text


def test_note_preview_ignores_channel_limits(agent_client, conversation):
    long_text = "x" * 80  # over the page channel's 40 characters
    preview = agent_client.post(
        f"/w/acme/c/{conversation.pk}/preview/", {"mode": "note", "text": long_text}, **HTMX
    ).text
    assert find(preview, "note-route")
    assert "disabled" not in one(preview, "send-button")["attrs"]
    empty = agent_client.post(f"/w/acme/c/{conversation.pk}/note/", {"text": "  "}, **HTMX)
    assert empty.status_code == 422
    assert "cannot be empty" in text_of(empty.text, "composer-errors")
    assert not Message.objects.filter(direction=Direction.INTERNAL).exists()


def test_canned_search_fills_variables_on_the_server(
    agent_client, agent, workspace, other_workspace, conversation
):
    contact = conversation.contact
    contact.name = "Dana Scully"
    contact.save()
    agent.first_name, agent.last_name = "Alice", "Smith"
    agent.save()
    CannedResponse.objects.create(
        workspace=workspace,
        shortcut="ship",
        title="Shipping times",
        body="Hi {{contact.first_name}}, it ships in 2 days. {{ agent.name }}",
    )
    CannedResponse.objects.create(workspace=workspace, shortcut="bye", title="Goodbye", body="Bye")
    CannedResponse.objects.create(
        workspace=other_workspace, shortcut="shipx", title="Globex shipping", body="secret"
    )
    url = f"/w/acme/c/{conversation.pk}/canned/"
    items = find(agent_client.get(url + "?q=shi").text, "canned-item")
    assert [i["attrs"]["data-shortcut"] for i in items] == ["ship"]
    assert items[0]["attrs"]["data-body"] == "Hi Dana, it ships in 2 days. Alice Smith"
    by_title = find(agent_client.get(url + "?q=good").text, "canned-item")
    assert [i["attrs"]["data-shortcut"] for i in by_title] == ["bye"]
    assert len(find(agent_client.get(url + "?q=").text, "canned-item")) == 2
    assert find(agent_client.get(url + "?q=zzz").text, "canned-empty")


def test_card_builder_sends_a_card_without_json(agent_client, rich_conversation):
    data = {
        "channel": rich_conversation.channel_id,
        "text": "Our bestseller",
        "card_title": "Blue sneakers",
        "card_media_url": "https://example.com/shoe.jpg",
        "action_type": ["reply", "open_url", "dial", "reply"],
        "action_text": ["Buy", "Details", "Call", ""],
        "action_value": ["", "https://example.com/shoe", "+14155550100", ""],
        "chip": ["Later"],
    }
    response = agent_client.post(f"/w/acme/c/{rich_conversation.pk}/reply/", data, **HTMX)
    assert response.status_code == 200, response.text
    message = Message.objects.get(direction=Direction.OUTBOUND)
    assert message.content == {
        "type": "card",
        "card": {
            "title": "Blue sneakers",
            "description": "Our bestseller",
            "media": {"url": "https://example.com/shoe.jpg"},
            "suggestions": [
                {"type": "reply", "text": "Buy"},
                {"type": "open_url", "text": "Details", "url": "https://example.com/shoe"},
                {"type": "dial", "text": "Call", "phone": "+14155550100"},
            ],
        },
        "suggestions": [{"type": "reply", "text": "Later"}],
    }
    assert len(find(response.text, "rich-card")) == 1


def test_card_builder_refuses_a_bad_link_with_a_readable_error(agent_client, rich_conversation):
    data = {
        "channel": rich_conversation.channel_id,
        "card_title": "Sale",
        "action_type": ["open_url"],
        "action_text": ["Open"],
        "action_value": ["javascript:alert(1)"],
    }
    response = agent_client.post(f"/w/acme/c/{rich_conversation.pk}/reply/", data, **HTMX)
    assert response.status_code == 422
    assert "must be an http(s) URL" in text_of(response.text, "composer-errors")
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    # What was typed is kept for fixing.
    assert one(response.text, "card-title")["attrs"]["value"] == "Sale"


def test_text_channel_disables_the_card_builder_and_says_why(agent_client, conversation):
    html = agent_client.get(f"/w/acme/c/{conversation.pk}/").text
    reason = one(html, "rich-reason")
    assert "hidden" not in reason["attrs"]
    assert "need an RCS channel" in reason["text"]
    assert 'data-capability="rich" disabled' in html
    # Files still go: a channel without media sends the file's link in the text.
    assert 'data-capability="media" disabled' not in html
    assert "hidden" in one(html, "media-reason")["attrs"]


def test_rich_channel_enables_the_builder_and_warns_when_it_will_go_as_sms(
    agent_client, rich_conversation
):
    html = agent_client.get(f"/w/acme/c/{rich_conversation.pk}/").text
    assert "hidden" in one(html, "rich-reason")["attrs"]
    assert 'data-capability="rich" disabled' not in html
    RichPageAdapter.unreachable.add("+15551230009")
    preview = agent_client.post(
        f"/w/acme/c/{rich_conversation.pk}/preview/",
        {"channel": rich_conversation.channel_id, "text": "Hi", "card_title": "Sale"},
        **HTMX,
    ).text
    assert "will be sent as Page test text via Support SMS" in text_of(preview, "rich-note")
    caps = one(preview, "composer-caps")["attrs"]
    assert caps["data-rich-reason"] == ""
    sms_preview = agent_client.post(
        f"/w/acme/c/{rich_conversation.pk}/preview/",
        {"channel": rich_conversation.channel.fallback_id, "text": "Hi"},
        **HTMX,
    ).text
    assert "need an RCS channel" in one(sms_preview, "composer-caps")["attrs"]["data-rich-reason"]
