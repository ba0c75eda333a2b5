"""The phone simulator as an RCS handset: brand, rich cards, chips, reads, typing, fallback.

Everything crosses real HTTP (live_server): the phone's messages are signed webhooks the
RBM sandbox posts; the business's replies go through the services, the RCS adapter and the
sandbox's RBM API, and the phone renders the wire JSON the sandbox stored.
"""

from __future__ import annotations

import html as htmllib
import re
import sys
import types

import pytest
from django.urls import reverse

from channels_rcs.sandbox import accounts, store
from channels_sms import sandbox as sms_sandbox
from inbox import services
from inbox.models import Conversation, Message, MessageStatus
from tests.support.waiting import deliver_until_settled

from .conftest import HTMX

RCS_PHONE = "+14155550122"  # even last digit: RCS-capable in the sandbox
SMS_ONLY_PHONE = "+14155550123"  # odd last digit: not RCS-capable

CARD = {
    "type": "card",
    "orientation": "vertical",
    "card": {
        "title": "Red roses",
        "description": "A dozen, hand-tied.",
        "media": {"url": "https://example.com/roses.jpg", "height": "medium"},
        "suggestions": [
            {"type": "reply", "text": "Buy now", "postback": "buy_roses"},
            {"type": "open_url", "text": "See more", "url": "https://example.com/roses"},
            {"type": "dial", "text": "Call us", "phone": "+14155550100"},
        ],
    },
    "suggestions": [
        {"type": "reply", "text": "Not today", "postback": "no_thanks"},
        {
            "type": "calendar_event",
            "text": "Remind me",
            "title": "Flower sale",
            "start": "2030-05-01T09:00:00Z",
            "end": "2030-05-01T10:00:00Z",
        },
        {"type": "share_location", "text": "Nearest shop"},
    ],
}


@pytest.fixture
def rcs_business(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = services.create_channel(
        workspace, kind="rcs", name="Bloom Florists", config=accounts.channel_config()
    )
    # The phone on screen plays the handset: no Celery-timed DELIVERED/READ from the sandbox.
    store.set_controls(channel.config["agent_id"], events="manual")
    yield channel
    store.reset(channel.config["agent_id"])


def _thread(client, channel, number=RCS_PHONE) -> str:
    response = client.get(
        reverse("simulator-thread"), {"number": number, "channel": channel.pk}, **HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def _say(client, channel, body, number=RCS_PHONE):
    data = {"number": number, "channel": channel.pk, "body": body}
    response = client.post(reverse("simulator-send"), data, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="phone-error"' not in response.content.decode()
    return response


def _conversation(channel) -> Conversation:
    return Message.objects.get(channel=channel, direction="inbound").conversation


def _reply(conversation: Conversation, content: dict) -> Message:
    message = services.send_message(conversation, content)
    return deliver_until_settled(message.id)


def _chip_forms(html: str) -> list[dict[str, str]]:
    """The hidden fields of every chip form, as the browser would submit them."""
    forms = re.findall(r'<form class="chip-form".*?</form>', html, flags=re.S)
    out = []
    for form in forms:
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        fields.pop("csrfmiddlewaretoken", None)
        out.append({k: htmllib.unescape(v) for k, v in fields.items()})
    return out


def _items(html: str) -> list[tuple[str, str]]:
    """(direction, visible text, times left out) of each message on the phone, in order."""
    items = re.findall(
        r'<li class="rcs [^"]*" data-testid="phone-message" data-direction="(in|out)"[^>]*>'
        r"(.*?)</li>",
        html,
        flags=re.S,
    )
    out = []
    for direction, body in items:
        body = re.sub(r"<time.*?</time>", " ", body, flags=re.S)
        words = htmllib.unescape(re.sub(r"<[^>]+>", " ", body)).split()
        out.append((direction, " ".join(words)))
    return out


def test_rcs_businesses_are_listed_beside_sms_ones(client, rcs_business, workspace):
    services.create_channel(
        workspace, kind="sms", name="Acme SMS", config=sms_sandbox.channel_config("+14155550198")
    )
    html = client.get(reverse("simulator-phone")).content.decode()
    assert "Bloom Florists · RCS" in html
    assert "Acme SMS · +14155550198" in html


def test_a_card_with_chips_renders_as_a_phone_shows_it(client, rcs_business):
    _say(client, rcs_business, "Do you have roses?")
    sent = _reply(_conversation(rcs_business), CARD)
    assert sent.status == MessageStatus.SENT

    html = _thread(client, rcs_business)
    assert 'data-testid="rcs-brand-header"' in html
    assert "Bloom Florists" in re.search(r'rcs-brand-header".*?</header>', html, re.S).group(0)
    cards = re.findall(r'<article class="card card--vertical.*?</article>', html, flags=re.S)
    assert len(cards) == 1
    assert '<h3 class="card__title">Red roses</h3>' in cards[0]
    assert "A dozen, hand-tied." in cards[0]
    assert 'src="https://example.com/roses.jpg"' in cards[0]
    assert "rcs__media--medium" in cards[0]
    # Card chips live on the card; the message's own chips sit under it (newest message).
    card_chips = re.findall(r'data-testid="rcs-chip" data-kind="(\w+)"', cards[0])
    assert card_chips == ["reply", "open_url", "dial"]
    assert 'href="https://example.com/roses" target="_blank"' in cards[0]
    assert 'href="tel:+14155550100"' in cards[0]
    all_chips = re.findall(r'data-testid="rcs-chip" data-kind="(\w+)"', html)
    assert all_chips == ["reply", "open_url", "dial", "reply", "calendar", "share_location"]
    assert "Added to your calendar: Flower sale, Wed 01 May 2030 09:00 – 10:00 UTC" in html
    assert [d for d, _ in _items(html)] == ["out", "in"]
    assert _items(html)[0][1] == "You: Do you have roses? ✓ Sent"


def test_tapping_a_reply_chip_answers_the_agent_with_its_postback(client, rcs_business):
    _say(client, rcs_business, "Do you have roses?")
    conversation = _conversation(rcs_business)
    _reply(conversation, CARD)
    html = _thread(client, rcs_business)
    buy = next(f for f in _chip_forms(html) if f["text"] == "Buy now")
    assert buy == {
        "number": RCS_PHONE,
        "channel": str(rcs_business.pk),
        "text": "Buy now",
        "postback": "buy_roses",
        "kind": "reply",
    }

    response = client.post(reverse("simulator-tap"), buy, **HTMX)
    assert response.status_code == 200
    tapped = Message.objects.filter(conversation=conversation, direction="inbound").latest(
        "created_at"
    )
    assert tapped.content["type"] == "suggestion_response"
    assert tapped.content["postback"] == "buy_roses"
    assert tapped.content["text"] == "Buy now"
    # The tap shows as the phone's own message; the message-level chips are gone with it.
    after = response.content.decode()
    assert _items(after)[-1][0] == "out"
    assert "Buy now" in _items(after)[-1][1]
    assert 'data-kind="calendar"' not in after
    assert 'data-kind="reply"' in after  # the card's own chips stay


def test_action_chips_report_the_tap_and_share_location_sends_a_location(client, rcs_business):
    _say(client, rcs_business, "Where are you?")
    conversation = _conversation(rcs_business)
    _reply(conversation, CARD)
    share = next(
        f
        for f in _chip_forms(_thread(client, rcs_business))
        if f["kind"] == "action" and f["text"] == "Nearest shop"
    )
    response = client.post(reverse("simulator-location"), share, **HTMX)
    assert response.status_code == 200
    inbound = list(
        Message.objects.filter(conversation=conversation, direction="inbound").order_by(
            "created_at"
        )
    )
    assert inbound[-2].content["type"] == "suggestion_response"
    assert inbound[-2].content["postback"] == "Nearest shop"
    assert inbound[-1].content["type"] == "location"
    assert inbound[-1].content["latitude"] == pytest.approx(float(share["latitude"]))
    assert "📍 Shared location" in response.content.decode()


def test_a_carousel_scrolls_sideways_with_one_card_each(client, rcs_business):
    _say(client, rcs_business, "Show me bouquets")
    carousel = {
        "type": "carousel",
        "card_width": "small",
        "cards": [
            {"title": "Tulips", "suggestions": [{"type": "reply", "text": "Tulips"}]},
            {"title": "Lilies", "media": {"url": "https://example.com/lilies.png"}},
        ],
    }
    _reply(_conversation(rcs_business), carousel)
    html = _thread(client, rcs_business)
    block = re.search(r'<div class="carousel carousel--small".*?</div>\s*<p', html, re.S).group(0)
    assert re.findall(r'<h3 class="card__title">(\w+)</h3>', block) == ["Tulips", "Lilies"]
    assert block.count('data-testid="rcs-card"') == 2


def test_text_and_picture_messages_render_as_bubbles(client, rcs_business):
    _say(client, rcs_business, "Photo?")
    conversation = _conversation(rcs_business)
    _reply(conversation, {"type": "text", "text": "Here you go:"})
    _reply(conversation, {"type": "media", "url": "https://example.com/vase.jpg"})
    items = _items(_thread(client, rcs_business))
    assert [d for d, _ in items] == ["out", "in", "in"]
    assert items[1][1].startswith("Bloom Florists: Here you go:")
    assert 'src="https://example.com/vase.jpg"' in _thread(client, rcs_business)


def test_the_phone_reports_reads_and_shows_the_agents_read_ticks(client, rcs_business):
    _say(client, rcs_business, "Hello?")
    conversation = _conversation(rcs_business)
    reply = _reply(conversation, {"type": "text", "text": "Hi there!"})
    html = _thread(client, rcs_business)
    assert 'data-reports-reads="true"' in html  # "manual" sandbox: nobody else will
    assert f'data-message-id="{reply.provider_message_id}" data-unread="true"' in html

    data = {"number": RCS_PHONE, "channel": rcs_business.pk, "message_id": [str(reply.pk)]}
    assert client.post(reverse("simulator-read"), data, **HTMX).status_code == 204
    reply.refresh_from_db()
    assert reply.status == MessageStatus.READ
    agent_id = rcs_business.config["agent_id"]
    assert store.get_message(agent_id, str(reply.pk))["status"] == "READ"
    assert 'data-unread="true"' not in _thread(client, rcs_business)

    # The agent reads the customer's message: RBM tells the phone, which shows blue ticks.
    inbound = Message.objects.get(conversation=conversation, direction="inbound")
    rcs_business.adapter.mark_read(
        rcs_business, to=RCS_PHONE, provider_message_id=inbound.provider_message_id
    )
    assert "ticks--read" in _thread(client, rcs_business)


def test_reads_are_left_to_the_sandbox_when_it_plays_the_phone(client, rcs_business):
    store.set_controls(rcs_business.config["agent_id"], events="auto")
    _say(client, rcs_business, "Hello?")
    assert 'data-reports-reads="false"' in _thread(client, rcs_business)


def test_a_read_for_a_message_sent_elsewhere_is_ignored(client, rcs_business):
    _say(client, rcs_business, "Hello?")
    reply = _reply(_conversation(rcs_business), {"type": "text", "text": "Hi!"})
    other = "+14155550144"
    data = {"number": other, "channel": rcs_business.pk, "message_id": [str(reply.pk)]}
    assert client.post(reverse("simulator-read"), data, **HTMX).status_code == 204
    reply.refresh_from_db()
    assert reply.status == MessageStatus.SENT


def test_the_agent_typing_shows_on_the_phone(client, rcs_business):
    _say(client, rcs_business, "Hello?")
    assert 'data-testid="rcs-typing"' not in _thread(client, rcs_business)
    rcs_business.adapter.send_typing(rcs_business, to=RCS_PHONE)
    assert 'data-testid="rcs-typing"' in _thread(client, rcs_business)
    _reply(_conversation(rcs_business), {"type": "text", "text": "Done typing"})
    assert 'data-testid="rcs-typing"' not in _thread(client, rcs_business)


def test_a_number_without_rcs_gets_the_business_by_sms_from_its_fallback(
    client, rcs_business, workspace
):
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="Bloom SMS",
        config=sms_sandbox.channel_config("+14155550190"),
    )
    sms_sandbox.set_controls(sms.config["account_sid"], callbacks="manual")
    rcs_business.fallback = sms
    rcs_business.save(update_fields=["fallback"])

    _say(client, rcs_business, "Roses?", number=SMS_ONLY_PHONE)
    inbound = Message.objects.get(direction="inbound")
    assert inbound.channel == sms  # the phone could only text the SMS line
    reply = services.send_message(inbound.conversation, CARD, channel=rcs_business)
    reply = deliver_until_settled(reply.id)  # not RCS-capable: moved to the SMS line
    assert reply.channel == sms

    html = _thread(client, rcs_business, number=SMS_ONLY_PHONE)
    assert (
        "This number is not RCS-capable; messages from Bloom Florists arrive by SMS "
        "from +14155550190." in html
    )
    assert 'data-testid="rcs-card"' not in html
    received = re.findall(r'data-direction="in".*?<p class="bubble__text">(.*?)</p>', html, re.S)
    assert "Red roses" in htmllib.unescape(received[0])
    sms_sandbox.reset(sms.config["account_sid"])


def test_a_number_without_rcs_and_no_fallback_says_so(client, rcs_business):
    html = _thread(client, rcs_business, number=SMS_ONLY_PHONE)
    assert "messages from Bloom Florists arrive by SMS, but this business has no SMS line" in html
    data = {"number": SMS_ONLY_PHONE, "channel": rcs_business.pk, "body": "hi"}
    response = client.post(reverse("simulator-send"), data, **HTMX)
    assert "cannot reach this number" in response.content.decode()
    assert not Message.objects.exists()


def test_chips_are_refused_on_an_sms_conversation(client, rcs_business):
    data = {"number": SMS_ONLY_PHONE, "channel": rcs_business.pk, "text": "Yes", "postback": "y"}
    response = client.post(reverse("simulator-tap"), data, **HTMX)
    assert response.status_code == 422
    assert "Chips are an RCS feature" in response.content.decode()
    assert not Message.objects.exists()


def test_the_brand_profile_names_the_business(client, rcs_business, monkeypatch):
    profile = types.SimpleNamespace(
        display_name="Bloom & Co.",
        description="Fresh flowers daily",
        logo=None,
        banner=None,
        color="#C2185B",
        verification_status="verified",
    )
    fake = types.ModuleType("channels_rcs.brand.services")
    fake.brand_for_channel = lambda channel: profile if channel.pk == rcs_business.pk else None
    monkeypatch.setitem(sys.modules, "channels_rcs.brand.services", fake)
    html = _thread(client, rcs_business)
    header = re.search(r'rcs-brand-header".*?</header>', html, re.S).group(0)
    assert "Bloom &amp; Co." in header
    assert 'data-testid="rcs-brand-verified"' in header
    assert "Fresh flowers daily" in header
    assert "--brand: #C2185B" in html


def test_without_the_brand_module_the_channel_name_is_shown(client, rcs_business, monkeypatch):
    monkeypatch.setitem(sys.modules, "channels_rcs.brand.services", None)  # import fails
    header = re.search(r'rcs-brand-header".*?</header>', _thread(client, rcs_business), re.S)
    assert "Bloom Florists" in header.group(0)
    assert 'data-testid="rcs-brand-verified"' not in header.group(0)


def test_the_customer_typing_reaches_the_agents_as_rbm_is_typing(client, rcs_business, monkeypatch):
    """The phone posts IS_TYPING through the signed webhook; the inbox announces it."""
    _say(client, rcs_business, "Hello?")
    html = _thread(client, rcs_business)
    assert f'data-typing-url="{reverse("simulator-typing")}"' in html
    sent = []
    monkeypatch.setattr(
        "inbox.realtime.publish._send", lambda group, payload: sent.append((group, payload))
    )
    data = {"number": RCS_PHONE, "channel": rcs_business.pk}
    assert client.post(reverse("simulator-typing"), data, **HTMX).status_code == 204
    conversation = _conversation(rcs_business)
    typing = [p for _, p in sent if p.get("event") == "typing"]
    assert typing and typing[-1]["who"] == "contact" and typing[-1]["is_typing"] is True
    assert typing[-1]["conversation_id"] == conversation.pk


def test_typing_is_refused_for_sms_numbers_and_bad_input(client, rcs_business):
    data = {"number": SMS_ONLY_PHONE, "channel": rcs_business.pk}
    assert client.post(reverse("simulator-typing"), data, **HTMX).status_code == 422
    data = {"number": "not a number", "channel": rcs_business.pk}
    assert client.post(reverse("simulator-typing"), data, **HTMX).status_code == 422
