"""The new-conversation page: send, reuse the thread, refusals shown, scope."""

from __future__ import annotations

import pytest
from django.test import Client

from inbox.models import Conversation, Message
from inbox.services.consent import record_consent

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_writes_to_a_typed_number_and_lands_in_the_thread(agent, channel):
    client = logged_in(agent)
    assert client.get("/w/acme/conversations/new/").status_code == 200
    response = client.post(
        "/w/acme/conversations/new/",
        {
            "phone": "07400 123456",
            "country": "GB",
            "name": "Bob",
            "channel": channel.pk,
            "text": "Hello Bob",
        },
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/c/{conversation.pk}/"
    assert conversation.contact.name == "Bob"
    assert Message.objects.get().text == "Hello Bob"


def test_a_contact_link_preselects_the_contact_and_reuses_its_thread(agent, conversation):
    client = logged_in(agent)
    url = f"/w/acme/conversations/new/?contact={conversation.contact_id}"
    assert "new-conversation-contact" in client.get(url).content.decode()
    client.post(
        "/w/acme/conversations/new/",
        {"contact": conversation.contact_id, "channel": conversation.channel_id, "text": "Hi"},
    )
    assert Conversation.objects.count() == 1
    assert conversation.messages.filter(text="Hi").exists()


def test_refusals_show_their_reason_and_write_nothing(agent, channel):
    record_consent(channel, "+14155550199", opted_out=True, source="keyword", keyword="stop")
    client = logged_in(agent)
    for phone, reason in [("123", "phone:"), ("+14155550199", "opted out")]:
        response = client.post(
            "/w/acme/conversations/new/", {"phone": phone, "channel": channel.pk, "text": "x"}
        )
        assert response.status_code == 422 and reason in response.content.decode()
    assert not Conversation.objects.exists()


def test_another_workspace_gets_404_and_its_contacts_are_not_found(
    outsider, agent, other_conversation, channel
):
    assert logged_in(outsider).get("/w/acme/conversations/new/").status_code == 404
    response = logged_in(agent).post(
        "/w/acme/conversations/new/",
        {"contact": other_conversation.contact_id, "channel": channel.pk, "text": "x"},
    )
    assert response.status_code == 422
    assert other_conversation.messages.count() == 1
