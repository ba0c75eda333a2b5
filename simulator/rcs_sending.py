"""What the RCS phone sends the agent: user messages, chip taps and read receipts.

Everything goes through the RBM sandbox's own functions, which post signed webhooks to the
channel exactly as RBM would, so the inbox cannot tell the simulator from a handset.
"""

from __future__ import annotations

import mimetypes

from channels_rcs.sandbox import api, events, store
from inbox.models import Channel

from .sms_sending import Outcome, webhook_outcome


def agent_id(channel: Channel) -> str:
    return str(channel.config.get("agent_id") or "")


def rcs_capable(channel: Channel, number: str) -> bool:
    """Whether the sandbox network reaches this number over RCS for this agent."""
    return api.reachable(agent_id(channel), number)


def send(channel: Channel, number: str, content: dict) -> Outcome:
    status, _ = events.simulate_user_message(channel, number, content)
    return webhook_outcome(status)


def send_text(channel: Channel, number: str, body: str, media_url: str = "") -> Outcome:
    """A typed message; a picture goes first, as its own message, as RCS sends files."""
    if media_url:
        mime, _ = mimetypes.guess_type(media_url.split("?", 1)[0])
        media = {"type": "media", "url": media_url, "mime_type": mime or "image/jpeg"}
        outcome = send(channel, number, media)
        if not outcome.ok or not body.strip():
            return outcome
    return send(channel, number, {"type": "text", "text": body})


def tap(channel: Channel, number: str, *, text: str, postback: str, kind: str) -> Outcome:
    """A tapped chip: RBM reports replies and actions alike as a suggestionResponse."""
    response = {
        "type": "suggestion_response",
        "text": text,
        "postback": postback,
        "kind": "action" if kind == "action" else "reply",
    }
    return send(channel, number, response)


def share_location(channel: Channel, number: str, latitude: float, longitude: float) -> Outcome:
    return send(channel, number, {"type": "location", "latitude": latitude, "longitude": longitude})


def report_typing(channel: Channel, number: str) -> Outcome:
    """IS_TYPING from the handset, as RBM forwards it while the user types."""
    return webhook_outcome(events.simulate_typing(channel, number))


def report_read(channel: Channel, number: str, message_ids: list[str]) -> int:
    """DELIVERED (if still due) then READ for agent messages now on screen; how many moved.

    Only messages this agent sent to this number are acknowledged: the ids come from the
    browser, and a phone can only read what reached it.
    """
    agent = agent_id(channel)
    moved = 0
    for message_id in dict.fromkeys(message_ids):
        message = store.get_message(agent, message_id)
        if not message or message.get("phone") != number or message.get("revoked"):
            continue
        if message.get("status") == "READ":
            continue
        if message.get("status") == "SENT":
            events.post_user_event(agent, number, "DELIVERED", message_id)
        events.post_user_event(agent, number, "READ", message_id)
        moved += 1
    return moved


def set_subscription(channel: Channel, number: str, subscribed: bool) -> Outcome:
    """The phone's "turn off messages" switch for this agent: UNSUBSCRIBE, or SUBSCRIBE
    to turn them back on, posted signed as RBM forwards them."""
    return webhook_outcome(events.simulate_subscription(channel, number, subscribed=subscribed))
