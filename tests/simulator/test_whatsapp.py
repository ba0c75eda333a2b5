"""The phone simulator as a WhatsApp customer: texting the business and tapping its reply
buttons land in the inbox as normalized content, through the signed webhook the WhatsApp
sandbox posts as Meta would; the ticks follow the business's read receipts; and another
workspace's WhatsApp number is neither offered nor reachable.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_whatsapp.adapter import WhatsAppAdapter
from channels_whatsapp.sandbox import accounts, store
from inbox import services
from inbox.models import Direction, Message
from inbox.services.preview import build_content

from .conftest import HTMX

CUSTOMER = "+16505551234"
adapter = WhatsAppAdapter()


def _channel(workspace, name: str):
    config = accounts.channel_config(workspace_id=workspace.pk)
    channel = services.create_channel(workspace, kind="whatsapp", name=name, config=config)
    store.set_controls(channel.config["phone_number_id"], statuses="manual")
    return channel


@pytest.fixture
def wa_business(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = _channel(workspace, "Acme WhatsApp")
    yield channel
    store.reset(channel.config["phone_number_id"])


@pytest.fixture
def globex_whatsapp(other_workspace):
    """Another tenant's WhatsApp sandbox number, on the same installation."""
    channel = _channel(other_workspace, "Globex WhatsApp")
    yield channel
    store.reset(channel.config["phone_number_id"])


def _inbound(channel):
    return list(
        Message.objects.filter(channel=channel, direction=Direction.INBOUND).order_by("created_at")
    )


@pytest.mark.django_db
def test_the_page_lists_a_whatsapp_sandbox_business(client, wa_business):
    html = client.get(reverse("simulator-phone")).content.decode()
    assert "Acme WhatsApp · WhatsApp" in html
    assert 'data-kind="whatsapp"' in html


@pytest.mark.django_db
def test_texting_and_tapping_a_button_land_in_the_inbox(client, wa_business):
    phone = {"number": CUSTOMER, "channel": wa_business.pk}
    response = client.post(
        reverse("simulator-send"), {**phone, "body": "Is my order ready?"}, **HTMX
    )
    assert response.status_code == 200, response.content.decode()
    [text] = _inbound(wa_business)
    assert text.content == {"type": "text", "text": "Is my order ready?"}

    # The agent answers with two reply buttons; the phone shows them, tappable.
    content = build_content("It ships today. Deliver to the usual address?", ["Yes please", "No"])
    sent = adapter.send(wa_business, to=CUSTOMER, content=content, message_id="m1")
    html = client.get(reverse("simulator-thread"), phone, **HTMX).content.decode()
    assert "It ships today." in html
    assert 'data-testid="wa-option"' in html and "Yes please" in html

    tap = {**phone, "message_id": sent.provider_message_id, "reply_id": "Yes please"}
    response = client.post(reverse("simulator-whatsapp-reply"), tap, **HTMX)
    assert response.status_code == 200, response.content.decode()
    reply = _inbound(wa_business)[-1]
    assert reply.content == {
        "type": "suggestion_response",
        "text": "Yes please",
        "postback": "Yes please",
    }
    assert reply.conversation_id == text.conversation_id


@pytest.mark.django_db
def test_an_option_the_business_never_sent_is_refused(client, wa_business):
    phone = {"number": CUSTOMER, "channel": wa_business.pk}
    client.post(reverse("simulator-send"), {**phone, "body": "Hi"}, **HTMX)
    sent = adapter.send(
        wa_business,
        to=CUSTOMER,
        content={"type": "text", "text": "Pick", "suggestions": [{"type": "reply", "text": "A"}]},
        message_id="m2",
    )
    tap = {**phone, "message_id": sent.provider_message_id, "reply_id": "refund_everything"}
    response = client.post(reverse("simulator-whatsapp-reply"), tap, **HTMX)
    assert "That option is not in a message this business sent you." in response.content.decode()
    assert len(_inbound(wa_business)) == 1


@pytest.mark.django_db
def test_ticks_turn_read_when_the_business_marks_the_message_read(client, wa_business):
    phone = {"number": CUSTOMER, "channel": wa_business.pk}
    client.post(reverse("simulator-send"), {**phone, "body": "Hello"}, **HTMX)
    html = client.get(reverse("simulator-thread"), phone, **HTMX).content.decode()
    assert 'data-ticks="delivered"' in html
    [message] = _inbound(wa_business)
    adapter.mark_read(wa_business, to=CUSTOMER, provider_message_id=message.provider_message_id)
    html = client.get(reverse("simulator-thread"), phone, **HTMX).content.decode()
    assert 'data-ticks="read"' in html


@pytest.mark.django_db
def test_the_phone_reports_reading_the_businesss_message(client, wa_business):
    phone = {"number": CUSTOMER, "channel": wa_business.pk}
    client.post(reverse("simulator-send"), {**phone, "body": "Hello"}, **HTMX)
    conversation = _inbound(wa_business)[0].conversation
    message = services.send_message(conversation, {"type": "text", "text": "Hi there"})
    from inbox.services.outbox.deliver import deliver

    deliver(str(message.pk))
    message.refresh_from_db()
    response = client.post(
        reverse("simulator-read"), {**phone, "message_id": message.provider_message_id}
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == "read"


@pytest.mark.django_db
def test_another_workspaces_whatsapp_number_is_not_offered(client, wa_business, globex_whatsapp):
    html = client.get(reverse("simulator-phone")).content.decode()
    assert "Acme WhatsApp" in html
    assert "Globex WhatsApp" not in html


@pytest.mark.django_db
def test_another_workspaces_whatsapp_number_cannot_be_texted_or_read(client, globex_whatsapp):
    phone = {"number": CUSTOMER, "channel": globex_whatsapp.pk}
    response = client.post(reverse("simulator-send"), {**phone, "body": "Hello"}, **HTMX)
    assert response.status_code == 422
    assert "That business is not on the SMS sandbox." in response.content.decode()
    tap = {**phone, "message_id": "wamid.x", "reply_id": "yes"}
    assert client.post(reverse("simulator-whatsapp-reply"), tap, **HTMX).status_code == 422
    assert client.post(reverse("simulator-read"), {**phone, "message_id": "x"}).status_code == 422
    assert not Message.objects.exists()
    pnid = globex_whatsapp.config["phone_number_id"]
    assert [e for e in store.handset_log(CUSTOMER) if e.get("phone_number_id") == pnid] == []
    html = client.get(reverse("simulator-thread"), phone, **HTMX).content.decode()
    assert "Globex" not in html


@pytest.mark.django_db
def test_tapping_a_list_row_lands_as_the_rows_reply(client, wa_business):
    phone = {"number": CUSTOMER, "channel": wa_business.pk}
    client.post(reverse("simulator-send"), {**phone, "body": "When can you come?"}, **HTMX)
    slots = ["9-10", "10-11", "11-12", "12-13"]  # more than 3: a list, not buttons
    sent = adapter.send(
        wa_business, to=CUSTOMER, content=build_content("Pick a slot", slots), message_id="m3"
    )
    html = client.get(reverse("simulator-thread"), phone, **HTMX).content.decode()
    assert html.count('data-kind="list"') == 4
    tap = {**phone, "message_id": sent.provider_message_id, "reply_id": "11-12"}
    client.post(reverse("simulator-whatsapp-reply"), tap, **HTMX)
    reply = _inbound(wa_business)[-1]
    assert reply.content == {"type": "suggestion_response", "text": "11-12", "postback": "11-12"}
