"""What the WhatsApp phone sends the business: texts, pictures, locations, taps on reply
buttons and list rows, and read receipts for the business's messages.

Everything goes through the WhatsApp sandbox's own functions, which post webhooks signed
with the app secret to the channel exactly as Meta would, so the inbox cannot tell the
simulator from a handset.
"""

from __future__ import annotations

import mimetypes

from django.utils.translation import gettext as _

from channels_whatsapp.sandbox import events, store
from inbox.models import Channel

from .sms_sending import Outcome, webhook_outcome
from .wa_handset import find_option, phone_number_id


def send(channel: Channel, number: str, content: dict) -> Outcome:
    return webhook_outcome(events.simulate_user_message(channel, number, content)[0])


def send_text(channel: Channel, number: str, body: str, media_url: str = "") -> Outcome:
    """A typed message; with a picture, one image message captioned with the text."""
    if media_url:
        mime, _encoding = mimetypes.guess_type(media_url.split("?", 1)[0])
        media = {"type": "media", "mime_type": mime or "image/jpeg", "caption": body.strip()}
        return send(channel, number, media)
    return send(channel, number, {"type": "text", "text": body})


def share_location(channel: Channel, number: str, latitude: float, longitude: float) -> Outcome:
    return send(channel, number, {"type": "location", "latitude": latitude, "longitude": longitude})


def tap(channel: Channel, number: str, *, message_id: str, reply_id: str) -> Outcome:
    """A tapped reply button or list row of a message the business sent this number:
    Meta reports it as an interactive button_reply / list_reply in reply to that message."""
    kind, title = find_option(channel, number, message_id, reply_id)
    if not kind:
        return Outcome(False, _("That option is not in a message this business sent you."))
    reply = {
        "type": "suggestion_response",
        "text": title,
        "postback": reply_id,
        "kind": kind,
        "context_id": message_id,
    }
    return send(channel, number, reply)


def report_read(channel: Channel, number: str, message_ids: list[str]) -> int:
    """ "delivered" (if still due) then "read" for business messages now on screen."""
    pnid = phone_number_id(channel)
    moved = 0
    for wamid in dict.fromkeys(message_ids):
        message = store.get_message(pnid, wamid)
        if not message or "+" + str(message.get("to") or "") != number:
            continue
        if message.get("status") in ("read", "failed"):
            continue
        if message.get("status") == "accepted":
            events.post_status(pnid, wamid, "sent")
        if message.get("status") in ("accepted", "sent"):
            events.post_status(pnid, wamid, "delivered")
        events.post_status(pnid, wamid, "read")
        moved += 1
    return moved
