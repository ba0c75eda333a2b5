"""Text rendering rules of content.md, one rule per test."""

from __future__ import annotations

from inbox.content import maps_link, render_text, reply_options

YES_NO = [
    {"type": "reply", "text": "Yes", "postback": "confirm:yes"},
    {"type": "reply", "text": "No", "postback": "confirm:no"},
]


def test_text_is_as_is():
    assert render_text({"type": "text", "text": "Your order has shipped."}) == (
        "Your order has shipped."
    )


def test_media_is_caption_then_url():
    content = {"type": "media", "url": "https://x.test/p.jpg", "caption": "Your photo"}
    assert render_text(content) == "Your photo\nhttps://x.test/p.jpg"


def test_media_without_caption_is_url():
    assert render_text({"type": "media", "url": "https://x.test/p.jpg"}) == "https://x.test/p.jpg"


def test_card_title_description_media_then_suggestions():
    content = {
        "type": "card",
        "card": {
            "title": "Roses, 12 stems",
            "description": "Delivered tomorrow",
            "media": {"url": "https://x.test/roses.jpg", "height": "medium"},
            "suggestions": [
                {"type": "open_url", "text": "Pay now", "url": "https://pay.example/inv-1"}
            ],
        },
        "suggestions": YES_NO,
    }
    assert render_text(content) == (
        "Roses, 12 stems\n"
        "Delivered tomorrow\n"
        "https://x.test/roses.jpg\n"
        "Pay now: https://pay.example/inv-1\n"
        "Reply 1 for Yes, 2 for No"
    )


def test_carousel_numbered_one_per_line_in_gsm7():
    content = {
        "type": "carousel",
        "cards": [
            {"title": "Roses", "description": "Delivered tomorrow"},
            {"title": "Tulips", "description": "In 3 days"},
            {"title": "Lilies"},
        ],
    }
    text = render_text(content)
    assert text == "1. Roses - Delivered tomorrow\n2. Tulips - In 3 days\n3. Lilies"
    from channels_sms.segments import count

    assert count(text).encoding == "GSM-7"


def test_reply_suggestions_are_numbered():
    content = {"type": "text", "text": "Confirm delivery?", "suggestions": YES_NO}
    assert render_text(content) == "Confirm delivery?\nReply 1 for Yes, 2 for No"


def test_dial_is_pretty_international():
    content = {
        "type": "text",
        "text": "Questions?",
        "suggestions": [{"type": "dial", "text": "Call us", "phone": "+525512345678"}],
    }
    assert render_text(content) == "Questions?\nCall us: +52 55 1234 5678"


def test_view_location_is_a_maps_link():
    content = {
        "type": "text",
        "text": "Visit us",
        "suggestions": [
            {"type": "view_location", "text": "Find store", "latitude": 19.43, "longitude": -99.13}
        ],
    }
    assert render_text(content) == "Visit us\nFind store: https://maps.google.com/?q=19.43,-99.13"


def test_location_content_uses_label_and_link():
    content = {"type": "location", "latitude": 19.4326, "longitude": -99.1332, "label": "Store"}
    assert render_text(content) == "Store: " + maps_link(19.4326, -99.1332)
    assert maps_link(19.4326, -99.1332) == "https://maps.google.com/?q=19.4326,-99.1332"


def test_calendar_event_title_and_local_time():
    event = {
        "type": "calendar_event",
        "text": "Add to calendar",
        "title": "Delivery",
        "start": "2026-12-01T10:00:00Z",
        "end": "2026-12-01T12:00:00Z",
    }
    content = {"type": "text", "text": "Booked", "suggestions": [event]}
    assert render_text(content) == "Booked\nDelivery: Tue Dec 1, 10:00-12:00 UTC"
    # Mexico City is UTC-6 in December.
    assert render_text(content, tz="America/Mexico_City") == (
        "Booked\nDelivery: Tue Dec 1, 04:00-06:00 CST"
    )


def test_share_location_alone_asks_for_the_address():
    content = {
        "type": "text",
        "text": "Where should we deliver?",
        "suggestions": [{"type": "share_location", "text": "Share location"}],
    }
    assert render_text(content) == "Where should we deliver?\nReply with your address"


def test_share_location_omitted_when_other_options_exist():
    content = {
        "type": "text",
        "text": "Where should we deliver?",
        "suggestions": [{"type": "share_location", "text": "Share location"}, *YES_NO],
    }
    assert render_text(content) == "Where should we deliver?\nReply 1 for Yes, 2 for No"


def test_fallback_text_replaces_everything():
    content = {
        "type": "card",
        "card": {"title": "Roses", "suggestions": YES_NO},
        "fallback_text": "Roses: reply YES to order",
    }
    assert render_text(content) == "Roses: reply YES to order"
    assert reply_options(content) == []


def test_reply_options_number_card_suggestions_before_message_chips():
    content = {
        "type": "carousel",
        "cards": [
            {"title": "Roses", "suggestions": [{"type": "reply", "text": "Roses"}]},
            {
                "title": "Tulips",
                "suggestions": [{"type": "reply", "text": "Tulips", "postback": "t"}],
            },
        ],
        "suggestions": [{"type": "reply", "text": "Neither", "postback": "none"}],
    }
    assert reply_options(content) == [
        {"number": 1, "text": "Roses", "postback": "Roses"},
        {"number": 2, "text": "Tulips", "postback": "t"},
        {"number": 3, "text": "Neither", "postback": "none"},
    ]
    assert render_text(content).endswith("Reply 1 for Roses, 2 for Tulips, 3 for Neither")


def test_suggestion_response_renders_its_text():
    assert render_text({"type": "suggestion_response", "text": "Pay now", "postback": "p"}) == (
        "Pay now"
    )
