"""POST /conversations: 201 with the thread and message id; 422 with reasons, nothing written."""

from __future__ import annotations

import pytest

from inbox.models import Contact, Conversation, Message
from inbox.services.consent import record_consent
from inbox.services.tokens import create_api_token

from .conftest import bearer_client, inbound

pytestmark = pytest.mark.django_db


def start(client, **body):
    return client.post("/api/v1/conversations", body, content_type="application/json")


def counts():
    return (Contact.objects.count(), Conversation.objects.count(), Message.objects.count())


def test_a_new_number_gets_a_thread_and_a_queued_message(api, channel):
    response = start(
        api,
        phone="612 34 56 78",
        country="ES",
        name="Ana",
        channel_id=channel.pk,
        type="text",
        text="Your order is ready",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact"]["name"] == "Ana"
    assert body["contact"]["identities"] == [{"kind": "phone", "value": "+34612345678"}]
    message = Message.objects.get(pk=body["message_id"])
    assert message.conversation_id == body["id"] and message.text == "Your order is ready"


def test_the_customers_thread_is_reused(api, channel):
    existing = inbound(channel, sender="+14155550100").conversation
    by_phone = start(api, phone="+14155550100", channel_id=channel.pk, type="text", text="a")
    by_id = start(api, contact_id=existing.contact_id, channel_id=channel.pk, type="text", text="b")
    assert by_phone.json()["id"] == by_id.json()["id"] == existing.pk
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"phone": "12"}, "phone:"),
        ({"phone": "+14155550199"}, "opted out"),
        ({}, "either contact_id or phone"),
        ({"phone": "+14155550100", "contact_id": 1}, "either contact_id or phone"),
        ({"contact_id": 999999}, "no contact"),
        ({"phone": "+14155550100", "text": "  "}, "empty"),
    ],
)
def test_refusals_are_422_with_the_reason_and_write_nothing(api, channel, body, reason):
    record_consent(channel, "+14155550199", opted_out=True, source="keyword", keyword="stop")
    before = counts()
    response = start(api, **{"channel_id": channel.pk, "type": "text", "text": "hi", **body})
    assert response.status_code == 422, response.content
    assert reason in " ".join(response.json()["errors"])
    assert counts() == before


def test_another_workspaces_channel_or_contact_is_not_found(api, channel, other_conversation):
    foreign_channel = start(
        api, phone="+14155550100", channel_id=other_conversation.channel_id, type="text", text="x"
    )
    foreign_contact = start(
        api, contact_id=other_conversation.contact_id, channel_id=channel.pk, type="text", text="x"
    )
    assert foreign_channel.status_code == foreign_contact.status_code == 422
    assert Conversation.objects.filter(workspace=channel.workspace).count() == 0


def test_a_read_only_token_gets_403(agent, workspace, channel):
    client = bearer_client(create_api_token(agent, workspace, "r", scopes=["read"])[1])
    response = start(client, phone="+14155550100", channel_id=channel.pk, type="text", text="x")
    assert response.status_code == 403 and not Conversation.objects.exists()
