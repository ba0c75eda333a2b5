"""Each content.md type and suggestion rendered to the exact RBM AgentMessage JSON."""

from __future__ import annotations

from types import SimpleNamespace

from channels_rcs.adapter import RcsAdapter
from channels_rcs.render import agent_message, content_message, suggestion

IMG = "https://cdn.example/roses.jpg"


def test_text_with_message_level_reply_chips():
    content = {
        "type": "text",
        "text": "Your order has shipped.",
        "suggestions": [
            {"type": "reply", "text": "Track", "postback": "track:1"},
            {"type": "reply", "text": "Thanks"},
        ],
    }
    assert agent_message(content) == {
        "contentMessage": {
            "text": "Your order has shipped.",
            "suggestions": [
                {"reply": {"text": "Track", "postbackData": "track:1"}},
                # No postback given: derived from the text, as the SMS numbering does.
                {"reply": {"text": "Thanks", "postbackData": "Thanks"}},
            ],
        }
    }


def test_every_suggested_action():
    assert suggestion(
        {
            "type": "open_url",
            "text": "Pay now",
            "url": "https://pay.example/inv-1",
            "postback": "pay",
        }
    ) == {
        "action": {
            "text": "Pay now",
            "postbackData": "pay",
            "openUrlAction": {"url": "https://pay.example/inv-1"},
        }
    }
    assert suggestion(
        {"type": "dial", "text": "Call us", "phone": "+525512345678", "postback": "call"}
    ) == {
        "action": {
            "text": "Call us",
            "postbackData": "call",
            "dialAction": {"phoneNumber": "+525512345678"},
        }
    }
    assert suggestion(
        {
            "type": "view_location",
            "text": "Find store",
            "latitude": 19.43,
            "longitude": -99.13,
            "label": "Store",
            "postback": "map",
        }
    ) == {
        "action": {
            "text": "Find store",
            "postbackData": "map",
            "viewLocationAction": {
                "latLong": {"latitude": 19.43, "longitude": -99.13},
                "label": "Store",
            },
            "fallbackUrl": "https://maps.google.com/?q=19.43,-99.13",
        }
    }
    assert suggestion({"type": "share_location", "text": "Share location"}) == {
        "action": {
            "text": "Share location",
            "postbackData": "Share location",
            "shareLocationAction": {},
        }
    }
    assert suggestion(
        {
            "type": "calendar_event",
            "text": "Add to calendar",
            "title": "Delivery",
            "start": "2026-12-01T10:00:00Z",
            "end": "2026-12-01T14:00:00+02:00",
            "description": "Roses",
            "postback": "cal",
        }
    ) == {
        "action": {
            "text": "Add to calendar",
            "postbackData": "cal",
            "createCalendarEventAction": {
                "startTime": "2026-12-01T10:00:00Z",
                "endTime": "2026-12-01T12:00:00Z",  # normalized to UTC
                "title": "Delivery",
                "description": "Roses",
            },
        }
    }


def test_media_file_without_caption_is_a_content_info_message():
    content = {
        "type": "media",
        "url": "https://cdn.example/invoice.pdf",
        "mime_type": "application/pdf",
    }
    assert content_message(content) == {
        "contentInfo": {"fileUrl": "https://cdn.example/invoice.pdf", "forceRefresh": False}
    }


def test_captioned_image_travels_as_a_one_card_message():
    content = {"type": "media", "url": IMG, "mime_type": "image/jpeg", "caption": "Fresh today"}
    assert content_message(content) == {
        "richCard": {
            "standaloneCard": {
                "cardOrientation": "VERTICAL",
                "cardContent": {
                    "description": "Fresh today",
                    "media": {
                        "height": "MEDIUM",
                        "contentInfo": {"fileUrl": IMG, "forceRefresh": False},
                    },
                },
            }
        }
    }


def test_horizontal_standalone_card_with_card_and_message_suggestions():
    content = {
        "type": "card",
        "orientation": "horizontal",
        "thumbnail_alignment": "right",
        "card": {
            "title": "Roses, 12 stems",
            "description": "Delivered tomorrow",
            "media": {
                "url": IMG,
                "mime_type": "image/jpeg",
                "height": "tall",
                "thumbnail_url": "https://cdn.example/roses-thumb.jpg",
            },
            "suggestions": [{"type": "reply", "text": "Buy", "postback": "buy:roses"}],
        },
        "suggestions": [{"type": "reply", "text": "Talk to a person", "postback": "human"}],
    }
    assert agent_message(content) == {
        "contentMessage": {
            "richCard": {
                "standaloneCard": {
                    "cardOrientation": "HORIZONTAL",
                    "thumbnailImageAlignment": "RIGHT",
                    "cardContent": {
                        "title": "Roses, 12 stems",
                        "description": "Delivered tomorrow",
                        "media": {
                            "height": "TALL",
                            "contentInfo": {
                                "fileUrl": IMG,
                                "thumbnailUrl": "https://cdn.example/roses-thumb.jpg",
                                "forceRefresh": False,
                            },
                        },
                        "suggestions": [{"reply": {"text": "Buy", "postbackData": "buy:roses"}}],
                    },
                }
            },
            "suggestions": [{"reply": {"text": "Talk to a person", "postbackData": "human"}}],
        }
    }


def test_vertical_card_defaults_and_no_alignment():
    content = {"type": "card", "card": {"title": "Hi", "media": {"url": IMG}}}
    assert content_message(content) == {
        "richCard": {
            "standaloneCard": {
                "cardOrientation": "VERTICAL",
                "cardContent": {
                    "title": "Hi",
                    "media": {
                        "height": "MEDIUM",
                        "contentInfo": {"fileUrl": IMG, "forceRefresh": False},
                    },
                },
            }
        }
    }


def test_carousel_with_card_width():
    content = {
        "type": "carousel",
        "card_width": "small",
        "cards": [
            {"title": "Roses", "media": {"url": IMG, "height": "short"}},
            {
                "title": "Tulips",
                "description": "Spring only",
                "suggestions": [
                    {"type": "open_url", "text": "See", "url": "https://shop.example/t"}
                ],
            },
        ],
    }
    assert content_message(content) == {
        "richCard": {
            "carouselCard": {
                "cardWidth": "SMALL",
                "cardContents": [
                    {
                        "title": "Roses",
                        "media": {
                            "height": "SHORT",
                            "contentInfo": {"fileUrl": IMG, "forceRefresh": False},
                        },
                    },
                    {
                        "title": "Tulips",
                        "description": "Spring only",
                        "suggestions": [
                            {
                                "action": {
                                    "text": "See",
                                    "postbackData": "See",
                                    "openUrlAction": {"url": "https://shop.example/t"},
                                }
                            }
                        ],
                    },
                ],
            }
        }
    }


def test_agent_location_is_text_with_a_view_location_chip():
    content = {"type": "location", "latitude": 19.4326, "longitude": -99.1332, "label": "Store"}
    assert content_message(content) == {
        "text": "Store: https://maps.google.com/?q=19.4326,-99.1332",
        "suggestions": [
            {
                "action": {
                    "text": "View location",
                    "postbackData": "view_location",
                    "viewLocationAction": {
                        "latLong": {"latitude": 19.4326, "longitude": -99.1332},
                        "label": "Store",
                    },
                    "fallbackUrl": "https://maps.google.com/?q=19.4326,-99.1332",
                }
            }
        ],
    }


def test_ttl_and_traffic_type_from_channel_config():
    channel = SimpleNamespace(config={"message_ttl": 3600, "message_traffic_type": "TRANSACTION"})
    body = RcsAdapter().wire_message(channel, {"type": "text", "text": "OTP 1234"})
    assert body == {
        "contentMessage": {"text": "OTP 1234"},
        "messageTrafficType": "TRANSACTION",
        "ttl": "3600s",
    }
