"""Content spec -> Cloud API message bodies, and validation that names the limit."""

from __future__ import annotations

import pytest

from channels_whatsapp.adapter import WhatsAppAdapter
from channels_whatsapp.render import build

adapter = WhatsAppAdapter()
TO = "16505551234"


def body(content):
    message, problems = build(content, to=TO)
    assert problems == []
    return message


def replies(n, length=5):
    return [
        {"type": "reply", "text": f"{i}".rjust(length, "x"), "postback": f"p{i}"} for i in range(n)
    ]


def test_text_with_a_link_previews_it():
    assert body({"type": "text", "text": "See https://example.com"})["text"] == {
        "body": "See https://example.com",
        "preview_url": True,
    }
    assert body({"type": "text", "text": "Hi"})["text"]["preview_url"] is False


def test_up_to_three_replies_are_reply_buttons():
    message = body({"type": "text", "text": "Which day?", "suggestions": replies(3)})
    interactive = message["interactive"]
    assert (message["type"], interactive["type"]) == ("interactive", "button")
    assert interactive["action"]["buttons"][0] == {
        "type": "reply",
        "reply": {"id": "p0", "title": "xxxx0"},
    }


def test_four_to_ten_replies_become_a_list():
    message = body({"type": "text", "text": "Pick one", "suggestions": replies(7)})
    interactive = message["interactive"]
    assert interactive["type"] == "list"
    assert len(interactive["action"]["sections"][0]["rows"]) == 7


def test_more_than_ten_replies_are_refused_naming_the_limit():
    _message, problems = build({"type": "text", "text": "Pick", "suggestions": replies(11)}, to=TO)
    assert problems == ["content.suggestions: 11 > 10 reply options (a WhatsApp list holds 10)"]


def test_a_button_title_over_20_characters_is_refused():
    content = {"type": "text", "text": "?", "suggestions": replies(2, length=21)}
    assert adapter.validate(None, content) == [
        "content.suggestions[0].text: 21 > 20 characters",
        "content.suggestions[1].text: 21 > 20 characters",
    ]


def test_a_card_is_header_image_body_and_buttons():
    content = {
        "type": "card",
        "card": {
            "title": "Roses",
            "description": "Delivered tomorrow",
            "media": {"url": "https://example.com/r.jpg", "mime_type": "image/jpeg"},
            "suggestions": [{"type": "reply", "text": "Buy", "postback": "buy"}],
        },
    }
    interactive = body(content)["interactive"]
    assert interactive["header"] == {
        "type": "image",
        "image": {"link": "https://example.com/r.jpg"},
    }
    assert interactive["body"] == {"text": "Roses\nDelivered tomorrow"}
    assert interactive["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "buy", "title": "Buy"}}
    ]


def test_a_card_with_many_chips_is_a_list_with_the_media_link_in_its_body():
    content = {
        "type": "card",
        "card": {
            "title": "Roses",
            "description": "Pick a size",
            "media": {"url": "https://example.com/r.jpg"},
            "suggestions": replies(5),
        },
    }
    interactive = body(content)["interactive"]
    assert interactive["type"] == "list"
    assert interactive["header"] == {"type": "text", "text": "Roses"}
    assert "https://example.com/r.jpg" in interactive["body"]["text"]


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("image/jpeg", "image"),
        ("video/mp4", "video"),
        ("audio/ogg", "audio"),
        ("application/pdf", "document"),
        ("image/webp", "sticker"),
    ],
)
def test_media_by_link(mime, kind):
    message = body({"type": "media", "url": "https://example.com/f", "mime_type": mime})
    assert message["type"] == kind
    assert message[kind]["link"] == "https://example.com/f"


def test_audio_takes_no_caption():
    content = {
        "type": "media",
        "url": "https://e.com/a.ogg",
        "mime_type": "audio/ogg",
        "caption": "hi",
    }
    assert adapter.validate(None, content) == [
        "content.caption: WhatsApp sends audio without a caption"
    ]


def test_location_and_action_chips_as_lines():
    message = body({"type": "location", "latitude": 1.5, "longitude": 2.5, "label": "Shop"})
    assert message["location"] == {"latitude": 1.5, "longitude": 2.5, "name": "Shop"}
    message = body(
        {
            "type": "text",
            "text": "Pay",
            "suggestions": [
                {"type": "open_url", "text": "Pay now", "url": "https://pay.example/1"}
            ],
        }
    )
    assert message["text"]["body"] == "Pay\nPay now: https://pay.example/1"


def test_a_template_reference_becomes_a_template_message():
    content = {
        "type": "text",
        "text": "Hi Ana, your order 42 shipped",
        "template": {"name": "order_update", "language": "en_US", "parameters": ["Ana", "42"]},
    }
    assert body(content)["template"] == {
        "name": "order_update",
        "language": {"code": "en_US"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "42"}],
            }
        ],
    }


def test_text_over_4096_is_refused():
    assert adapter.validate(None, {"type": "text", "text": "a" * 4097}) == [
        "content.text: 4097 > 4096 characters"
    ]
