"""The out-of-hours reply in the customer's language: the channel's text per language
(inbox/services/customer_texts.py), the contact's own language first."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from inbox.models import BusinessHours, Contact, Message
from tests.web.fakes import inbound, make_channel

pytestmark = pytest.mark.django_db
CLOSED = dt.datetime(2025, 1, 11, 10, tzinfo=dt.UTC)  # a Saturday


@pytest.fixture
def channel(workspace, page_adapter):
    BusinessHours.objects.create(
        workspace=workspace, enabled=True, weekly={str(d): [["09:00", "17:00"]] for d in range(5)}
    )
    channel = make_channel(workspace)
    channel.config = {
        "out_of_hours_reply": "We are closed.",
        "customer_texts": {"es": {"out_of_hours": "Hola {{contact.first_name}}, ya cerramos."}},
    }
    channel.save()
    return channel


def _bot_text(conversation):
    return [m.text for m in Message.objects.filter(conversation=conversation, author="bot")]


def test_channel_language_picks_the_text(channel):
    channel.config = {**channel.config, "customer_language": "es"}
    channel.save(update_fields=["config"])
    with mock.patch("django.utils.timezone.now", return_value=CLOSED):
        conversation = inbound(channel, "+525512340001", "¿hay alguien?").conversation
    assert _bot_text(conversation)[0].endswith("ya cerramos.")


def test_contact_language_overrides_the_channels(channel, workspace):
    with mock.patch("django.utils.timezone.now", return_value=CLOSED):
        english = inbound(channel, "+15550000001", "hello?").conversation
    assert _bot_text(english) == ["We are closed."]
    contact = Contact.objects.create(workspace=workspace, name="Ana Ruiz", language="es")
    contact.identities.create(workspace=workspace, kind="phone", value="+525512340002")
    with mock.patch("django.utils.timezone.now", return_value=CLOSED):
        spanish = inbound(channel, "+525512340002", "hola").conversation
    assert _bot_text(spanish) == ["Hola Ana, ya cerramos."]


def test_admin_writes_a_reply_per_language_on_the_hours_page(client, admin_user, channel):
    client.force_login(admin_user)
    page = client.get("/w/acme/settings/hours/")
    assert f'name="reply_{channel.pk}_es"' in page.text
    assert "Hola {{contact.first_name}}, ya cerramos." in page.text
    response = client.post(
        "/w/acme/settings/hours/replies/",
        {
            f"reply_{channel.pk}": "We are closed.",
            f"reply_{channel.pk}_es": "Estamos cerrados.",
            f"reply_{channel.pk}_en": "",
        },
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.config["customer_texts"] == {"es": {"out_of_hours": "Estamos cerrados."}}
    assert channel.config["out_of_hours_reply"] == "We are closed."
