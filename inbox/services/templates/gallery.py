"""The template gallery: one starting point per use case, as data.

Each entry becomes a workspace's own template with `create_from_gallery` (in `save`);
placeholders other than `name` / `first_name` are contact attribute keys the workspace
defines (`balance` as a number, `due_date` as a date, ...). URLs are examples to edit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SHOP = "https://shop.example.com"


def _link(text: str, url: str, postback: str) -> dict:
    return {"type": "open_url", "text": text, "url": url, "postback": postback}


def _reply(text: str, postback: str) -> dict:
    return {"type": "reply", "text": text, "postback": postback}


def _picture(url: str, height: str = "medium") -> dict:
    return {"url": url, "mime_type": f"image/{url.rsplit('.', 1)[-1]}", "height": height}


def _product(title: str, slug: str, extra: dict) -> dict:
    return {
        "title": title,
        "description": "Delivered tomorrow",
        "media": _picture(f"{SHOP}/{slug}.jpeg"),
        "suggestions": [_link("Buy", f"{SHOP}/{slug}", f"buy_{slug}"), extra],
    }


GALLERY: dict[str, dict] = {
    "payment_reminder": {
        "name": _("Payment reminder"),
        "traffic_type": "transaction",
        "content": {
            "type": "card",
            "card": {
                "title": "Hi {{first_name}}, your payment is due",
                "description": "Balance {{balance}}, due {{due_date}}.",
                "suggestions": [
                    _link("Pay now", "https://pay.example.com/", "pay_now"),
                    _link("Autopay", "https://pay.example.com/autopay", "autopay"),
                    _reply("My balance", "balance"),
                    _reply("Talk to an agent", "agent"),
                ],
            },
        },
    },
    "order_update": {
        "name": _("Order update"),
        "traffic_type": "transaction",
        "content": {
            "type": "text",
            "text": "Hi {{first_name}}, your order {{order_id}} is on its way.",
            "suggestions": [
                _link("Track", f"{SHOP}/track", "track"),
                _reply("Talk to an agent", "agent"),
            ],
        },
    },
    "appointment": {
        "name": _("Appointment confirmation"),
        "traffic_type": "transaction",
        "content": {
            "type": "text",
            "text": "Hi {{first_name}}, your appointment is on {{appointment_date}}.",
            "suggestions": [
                {
                    "type": "calendar_event",
                    "text": "Add to calendar",
                    "title": "Appointment",
                    "start": "2030-01-15T10:00:00Z",
                    "end": "2030-01-15T10:30:00Z",
                    "postback": "calendar",
                },
                _reply("Confirm", "confirm"),
                _reply("Reschedule", "reschedule"),
            ],
        },
    },
    "product_carousel": {
        "name": _("Product carousel"),
        "traffic_type": "promotion",
        "content": {
            "type": "carousel",
            "card_width": "medium",
            "cards": [
                _product("Roses, 12 stems", "roses", _reply("Add a vase", "extra_vase")),
                _product("Tulips, 10 stems", "tulips", _reply("Add a card", "extra_card")),
            ],
        },
    },
    "ticket": {
        "name": _("Boarding pass"),
        "traffic_type": "transaction",
        "content": {
            "type": "card",
            "card": {
                "title": "{{first_name}}, your boarding pass",
                "description": "Flight {{flight}}, gate {{gate}}.",
                "media": _picture("https://air.example.com/pass.png", "tall"),
                "suggestions": [_link("Open pass", "https://air.example.com/pass", "pass")],
            },
        },
    },
    "one_time_code": {
        "name": _("One-time code"),
        "traffic_type": "authentication",
        "content": {"type": "text", "text": "Your code is {{code}}. It expires in 10 minutes."},
    },
}
