"""Schema validation names the field that is wrong."""

from __future__ import annotations

import pytest

from inbox.content import validate


@pytest.mark.parametrize(
    "content",
    [
        {"type": "text", "text": "hi"},
        {"type": "media", "url": "https://x.test/a.jpg", "mime_type": "image/jpeg", "size": 10},
        {
            "type": "card",
            "card": {
                "title": "Roses",
                "media": {"url": "https://x.test/r.jpg", "height": "tall"},
                "suggestions": [{"type": "reply", "text": "Buy", "postback": "buy"}],
            },
            "orientation": "horizontal",
            "thumbnail_alignment": "right",
        },
        {"type": "carousel", "card_width": "small", "cards": [{"title": "A"}, {"title": "B"}]},
        {"type": "location", "latitude": 19.4, "longitude": -99.1, "label": "Store"},
        {"type": "suggestion_response", "text": "Pay now", "postback": "pay"},
        {
            "type": "text",
            "text": "Options",
            "fallback_text": "Options: reply 1 or 2",
            "suggestions": [
                {"type": "open_url", "text": "Pay", "url": "https://pay.example/1"},
                {"type": "dial", "text": "Call", "phone": "+525512345678"},
                {"type": "view_location", "text": "Map", "latitude": 1, "longitude": 2},
                {"type": "share_location", "text": "Share"},
                {
                    "type": "calendar_event",
                    "text": "Add",
                    "title": "Delivery",
                    "start": "2026-12-01T10:00:00Z",
                    "end": "2026-12-01T12:00:00Z",
                },
            ],
        },
    ],
)
def test_valid_content_has_no_errors(content):
    assert validate(content) == []


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("hello", "content: must be an object"),
        ({}, "content.type: required"),
        ({"type": "sticker"}, "content.type: must be one of"),
        ({"type": "text"}, "content.text: required"),
        ({"type": "text", "text": "  "}, "content.text: must not be empty"),
        ({"type": "text", "text": 5}, "content.text: must be a string"),
        ({"type": "media"}, "content.url: required"),
        ({"type": "media", "url": "ftp://x"}, "content.url: must be an http(s) URL"),
        ({"type": "media", "url": "https://x", "size": -1}, "content.size: must be a non-negative"),
        ({"type": "card"}, "content.card: required"),
        ({"type": "card", "card": {}}, "content.card.title: required"),
        (
            {
                "type": "card",
                "card": {"title": "A", "media": {"url": "https://x", "height": "huge"}},
            },
            "content.card.media.height: must be one of short, medium, tall",
        ),
        (
            {"type": "card", "card": {"title": "A"}, "orientation": "diagonal"},
            "content.orientation: must be one of",
        ),
        ({"type": "carousel", "cards": []}, "content.cards: required"),
        (
            {"type": "carousel", "cards": [{"title": "A"}, {"title": "B", "suggestions": [{}]}]},
            "content.cards[1].suggestions[0].type: must be one of",
        ),
        ({"type": "location", "latitude": 91, "longitude": 0}, "content.latitude: must be between"),
        (
            {"type": "location", "latitude": True, "longitude": 0},
            "content.latitude: must be a number",
        ),
        ({"type": "location", "latitude": 1}, "content.longitude: required"),
        (
            {"type": "text", "text": "x", "suggestions": [{"type": "open_url", "text": "Go"}]},
            "content.suggestions[0].url: required",
        ),
        (
            {"type": "text", "text": "x", "suggestions": [{"type": "reply"}]},
            "content.suggestions[0].text: required",
        ),
        (
            {
                "type": "text",
                "text": "x",
                "suggestions": [{"type": "dial", "text": "C", "phone": "55"}],
            },
            "content.suggestions[0].phone:",
        ),
        (
            {
                "type": "text",
                "text": "x",
                "suggestions": [
                    {
                        "type": "calendar_event",
                        "text": "Add",
                        "title": "T",
                        "start": "2026-12-01T10:00:00Z",
                        "end": "2026-12-01T09:00:00Z",
                    }
                ],
            },
            "content.suggestions[0].end: must not be before start",
        ),
        (
            {
                "type": "text",
                "text": "x",
                "suggestions": [
                    {
                        "type": "calendar_event",
                        "text": "A",
                        "title": "T",
                        "start": "soon",
                        "end": "x",
                    }
                ],
            },
            "content.suggestions[0].start: must be an ISO 8601 date-time",
        ),
        (
            {"type": "text", "text": "x", "suggestions": "chips"},
            "content.suggestions: must be a list",
        ),
        (
            {"type": "text", "text": "x", "fallback_text": 3},
            "content.fallback_text: must be a string",
        ),
    ],
)
def test_invalid_content_names_the_field(content, error):
    errors = validate(content)
    assert any(e.startswith(error) for e in errors), errors
