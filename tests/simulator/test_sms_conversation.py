"""Texting the business from the simulated phone, and the business's replies arriving.

The send goes through the real webhook over HTTP (live_server); replies go through the
services, the SMS adapter and the sandbox's Messages API, also over HTTP.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.urls import reverse

from channels_sms import sandbox
from channels_sms.sandbox.inbound import AUTO_REPLIES
from inbox import services
from inbox.models import Consent, Conversation, Message
from tests.support.waiting import deliver_until_settled

from .conftest import BUSINESS_NUMBER, CUSTOMER, HTMX

pytestmark = pytest.mark.usefixtures("sandbox_business")


def _send(client, channel, body="", number=CUSTOMER, htmx=True, **extra):
    data = {"number": number, "channel": channel.pk, "body": body, **extra}
    return client.post(reverse("simulator-send"), data, **(HTMX if htmx else {}))


def _thread(client, channel, number=CUSTOMER) -> str:
    response = client.get(
        reverse("simulator-thread"), {"number": number, "channel": channel.pk}, **HTMX
    )
    assert response.status_code == 200
    return response.content.decode()


def _bubbles(html: str) -> list[tuple[str, str]]:
    """(direction, text) of each bubble, in order."""
    found = re.findall(
        r'data-testid="phone-message" data-direction="(in|out)".*?'
        r'(?:<p class="bubble__text">(.*?)</p>|<p class="bubble__meta">)',
        html,
        flags=re.S,
    )
    return [(direction, htmllib.unescape(text)) for direction, text in found]


def _reply(conversation: Conversation, text: str) -> Message:
    message = services.send_message(conversation, {"type": "text", "text": text})
    return deliver_until_settled(message.id)


def test_a_text_from_the_phone_lands_in_the_inbox(client, sandbox_business):
    response = _send(client, sandbox_business, "Where is my order?", number="+1 (415) 555-0111")
    assert response.status_code == 200
    assert _bubbles(response.content.decode()) == [("out", "Where is my order?")]

    message = Message.objects.get(direction="inbound")
    assert message.text == "Where is my order?"
    assert message.conversation.channel == sandbox_business
    assert message.conversation.contact.identities.get().value == CUSTOMER  # normalized E.164
    assert message.provider_message_id.startswith("SM")


def test_a_picture_makes_it_an_mms(client, sandbox_business):
    url = "https://example.com/parcel.png"
    response = _send(client, sandbox_business, "", media_url=url)
    assert response.status_code == 200
    assert f'src="{url}"' in response.content.decode()
    message = Message.objects.get(direction="inbound")
    assert message.provider_message_id.startswith("MM")
    assert message.content["type"] == "media"
    assert message.content["url"] == url
    assert message.content.get("mime_type") == "image/png"


def test_replies_appear_in_the_thread_joined_with_their_segment_count(client, sandbox_business):
    _send(client, sandbox_business, "Hi, any news?")
    conversation = Conversation.objects.get(channel=sandbox_business)
    long_reply = "Your parcel left our warehouse this morning. " * 5  # 225 GSM-7 chars
    reply = _reply(conversation, long_reply.strip())
    assert reply.status == "sent", (reply.error_code, reply.error_message)

    html = _thread(client, sandbox_business)
    assert _bubbles(html) == [("out", "Hi, any news?"), ("in", long_reply.strip())]
    assert html.count("2 segments") == 1  # one bubble, not two parts

    version = re.search(r'data-version="(\w+)"', html).group(1)
    assert sandbox.fire_callbacks(reply.provider_message_id) == [200, 200]
    after = _thread(client, sandbox_business)
    assert 'data-status="delivered"' in after
    assert re.search(r'data-version="(\w+)"', after).group(1) != version


def test_another_business_and_another_phone_are_other_threads(client, sandbox_business, workspace):
    other = services.create_channel(
        workspace, kind="sms", name="Other", config=sandbox.channel_config("+14155550122")
    )
    _send(client, sandbox_business, "to Acme")
    _send(client, other, "to Other")
    _send(client, sandbox_business, "from my other phone", number="+14155550133")
    assert _bubbles(_thread(client, sandbox_business)) == [("out", "to Acme")]
    assert _bubbles(_thread(client, other)) == [("out", "to Other")]
    assert _bubbles(_thread(client, sandbox_business, "+14155550133")) == [
        ("out", "from my other phone")
    ]


def test_stop_gets_twilios_answer_and_opts_out_in_the_inbox(client, sandbox_business):
    response = _send(client, sandbox_business, "STOP")
    assert response.status_code == 200
    assert _bubbles(response.content.decode()) == [("out", "STOP"), ("in", AUTO_REPLIES["opt_out"])]
    consent = Consent.objects.get(channel=sandbox_business, address=CUSTOMER)
    assert consent.opted_out and consent.keyword == "STOP"
    # A control message: Twilio answered it, so no agent sees a message to answer.
    assert not Message.objects.filter(direction="inbound").exists()


def test_help_gets_twilios_answer(client, sandbox_business):
    response = _send(client, sandbox_business, "help")
    assert _bubbles(response.content.decode()) == [("out", "help"), ("in", AUTO_REPLIES["help"])]


def test_stop_then_start_resubscribes(client, sandbox_business):
    account = sandbox_business.config["account_sid"]
    _send(client, sandbox_business, "STOP")
    assert CUSTOMER in sandbox.store.blocked(account)
    _send(client, sandbox_business, "START")
    assert CUSTOMER not in sandbox.store.blocked(account)
    assert not Consent.objects.get(channel=sandbox_business, address=CUSTOMER).opted_out
    texts = [text for _, text in _bubbles(_thread(client, sandbox_business))]
    assert texts[-1] == AUTO_REPLIES["opt_in"]


def test_a_reply_that_never_reached_the_phone_says_why(client, sandbox_business):
    unreachable = "+15005553003"
    _send(client, sandbox_business, "hello", number=unreachable)
    conversation = Conversation.objects.get(channel=sandbox_business)
    reply = _reply(conversation, "Thanks, we are on it.")
    answers = sandbox.fire_callbacks(reply.provider_message_id)
    # Every delivery report reached our webhook and was accepted (a lost one would leave
    # the reply "sent" below for a reason this names).
    assert answers and all(a is not None and 200 <= a < 300 for a in answers), answers
    html = _thread(client, sandbox_business, unreachable)
    assert "bubble--failed" in html
    assert "Never reached this phone: unreachable handset" in html
    reply.refresh_from_db()
    assert reply.status == "failed"


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("12", "Start with + and the country code"),
        ("call me", "Start with + and the country code"),
        ("+1 415", "+1 415 is not a possible phone number"),
        ("", "Enter your phone number"),
    ],
)
def test_an_invalid_number_is_refused_and_nothing_is_sent(client, sandbox_business, number, error):
    response = _send(client, sandbox_business, "hello?", number=number)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="phone-error"' in html
    assert "Not sent." in html and error in html
    assert 'id="phone-errors" class="phone__errors" hx-swap-oob="true"' in html
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(client, sandbox_business):
    response = _send(client, sandbox_business, "   ")
    assert response.status_code == 422
    assert "Type a message or attach a picture." in response.content.decode()
    assert not Message.objects.exists()
    assert sandbox.handset_messages(CUSTOMER) == [] or all(
        m["account_sid"] != sandbox_business.config["account_sid"]
        for m in sandbox.handset_messages(CUSTOMER)
    )


def test_without_javascript_a_send_redirects_back_to_the_conversation(client, sandbox_business):
    response = _send(client, sandbox_business, "plain form post", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('simulator-phone')}?number=%2B14155550111&channel={sandbox_business.pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert _bubbles(page) == [("out", "plain form post")]
    assert f"Acme Support · {BUSINESS_NUMBER}" in page


def test_without_javascript_an_invalid_number_shows_the_page_with_the_error(
    client, sandbox_business
):
    response = _send(client, sandbox_business, "hello", number="999", htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Not sent." in html and 'aria-invalid="true"' in html
    assert ">hello</textarea>" in html  # what was typed is kept
    assert not Message.objects.exists()
