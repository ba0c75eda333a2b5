"""RBM's 400 INVALID_ARGUMENT on send: the phone cannot show that content. The message
falls back once (the SMS fallback, or a simpler rendering on RCS), with the reason shown.

Everything goes through the outbox's single path to the RBM sandbox over real HTTP.
"""

from __future__ import annotations

import uuid

from channels_rcs.sandbox import store
from channels_sms import sandbox as sms_sandbox
from inbox.adapters import ContentNotSupported
from inbox.models import MessageStatus
from inbox.services import send_message
from inbox.services.outbox.settle import settle
from tests.support.waiting import deliver_until_settled

from .conftest import PHONE, conversation_with

# Google's send guide, cited by each test: https://developers.google.com/
# business-communications/rcs-business-messaging/guides/build/messages/send
YES_NO = [{"type": "reply", "text": t, "postback": f"order:{t.lower()}"} for t in ("Yes", "No")]
ROSES = {"url": "https://cdn.example/roses.jpg", "mime_type": "image/jpeg"}


def roses_card(*, media: bool = True, title: str = "Roses, 12 stems") -> dict:
    card = dict(title=title, description="Delivered tomorrow", suggestions=YES_NO)
    return {"type": "card", "card": {**card, "media": ROSES} if media else card}


def agent_id(channel) -> str:
    return channel.config["agent_id"]


def test_400_falls_back_to_sms_once_with_the_reason(live_rcs, sms_line, agent):
    """Google's send guide (guides/build/messages/send, "Handle errors"): 400
    INVALID_ARGUMENT when the user's device cannot show the content; fall back."""
    store.set_controls(agent_id(live_rcs), rich_unsupported=[PHONE])
    card = roses_card(title=f"Roses {uuid.uuid4().hex[:6]}")  # the SMS log outlives tests
    message = deliver_until_settled(send_message(conversation_with(live_rcs), card, user=agent).pk)
    assert message.status != MessageStatus.FAILED
    assert message.channel == sms_line
    assert message.fallback_from == live_rcs
    assert "cannot show this content" in message.fallback_reason
    assert "INVALID_ARGUMENT" in message.fallback_reason
    bodies = [m["body"] for m in sms_sandbox.handset_messages(PHONE)]
    assert bodies.count(message.text) == 1
    assert "Reply 1 for Yes, 2 for No" in message.text
    assert store.get_message(agent_id(live_rcs), str(message.pk)) is None  # never accepted

    # The same answer replayed (a duplicate settle) changes nothing: one fallback only.
    replayed = ContentNotSupported("again", code="INVALID_ARGUMENT", simpler=None)
    assert settle(str(message.pk), replayed, channel=live_rcs, to=PHONE) == "skipped"
    message.refresh_from_db()
    assert message.channel == sms_line and message.status == MessageStatus.SENT
    assert message.status_events.filter(source="fallback").count() == 1


def test_without_a_fallback_the_card_goes_again_without_its_media(live_rcs, agent):
    """Send guide: 400 INVALID_ARGUMENT for content the device cannot show; with no SMS
    line the channel sends something simpler: the card without media, once, under a
    fresh messageId (RBM ignores a reused one: reference/rest/v1/phones.agentMessages/
    create)."""
    store.set_controls(agent_id(live_rcs), media_unsupported=[PHONE])
    message = send_message(conversation_with(live_rcs), roses_card(), user=agent)
    message = deliver_until_settled(message.pk)
    assert message.status == MessageStatus.SENT
    assert message.channel == live_rcs and message.fallback_from == live_rcs
    assert "media" not in message.content["card"]
    assert message.content["card"]["title"] == "Roses, 12 stems"
    wire_id = str(uuid.uuid5(message.pk, "simpler"))
    assert message.provider_message_id == wire_id
    card = store.get_message(agent_id(live_rcs), wire_id)["body"]["contentMessage"]["richCard"]
    assert "media" not in card["standaloneCard"]["cardContent"]
    history = list(message.status_events.values_list("error_message", flat=True))
    assert any("Sending a simpler version on RCS line" in line for line in history)


def test_a_replayed_400_fails_instead_of_a_second_fallback(live_rcs, agent):
    """Send guide: fall back once. The simpler rendering answered 400 too: failed, with
    the reason, and no third attempt."""
    store.set_controls(agent_id(live_rcs), rich_unsupported=[PHONE])
    plain_card = roses_card(media=False)
    message = send_message(conversation_with(live_rcs), plain_card, user=agent)
    message = deliver_until_settled(message.pk)
    assert message.status == MessageStatus.SENT
    assert message.content["type"] == "text"  # a rich card to a plain-text handset
    assert "Reply 1 for Yes, 2 for No" in message.content["text"]

    # The text is refused as well. Set before the send: whichever worker takes the
    # simpler rendering, the handset already refuses it.
    store.set_controls(agent_id(live_rcs), rich_unsupported=[PHONE], text_unsupported=[PHONE])
    again = send_message(message.conversation, plain_card, user=agent)
    again = deliver_until_settled(again.pk)
    assert again.status == MessageStatus.FAILED
    assert again.error_code == "INVALID_ARGUMENT"
    assert "cannot show this content" in again.error_message
    assert again.status_events.filter(source="fallback").count() == 1
