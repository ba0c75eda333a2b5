"""The webhook against Meta's documented payloads: verification, signatures, every
message type, statuses, idempotency and tenant isolation."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from inbox.models import Message, MessageStatus, MessageStatusEvent

from .conftest import CUSTOMER, hub_signature, make_whatsapp_channel, payload_bytes

pytestmark = pytest.mark.django_db


# --- GET verification ------------------------------------------------------------------


def _verify(channel, **query):
    url = reverse("whatsapp-webhook", args=[channel.webhook_token])
    return Client().get(url, query)


def test_verification_answers_the_challenge_as_plain_text(doc_channel):
    response = _verify(
        doc_channel,
        **{
            "hub.mode": "subscribe",
            "hub.verify_token": doc_channel.secrets["verify_token"],
            "hub.challenge": "1158201444",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": None, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ],
)
def test_verification_with_a_wrong_token_or_mode_is_403(doc_channel, query):
    query = {k: (doc_channel.secrets["verify_token"] if v is None else v) for k, v in query.items()}
    response = _verify(doc_channel, **query)
    assert response.status_code == 403
    assert b"1" not in response.content


def test_verification_of_an_unknown_channel_is_404(db):
    response = Client().get("/webhooks/whatsapp/nope/", {"hub.mode": "subscribe"})
    assert response.status_code == 404


# --- signatures --------------------------------------------------------------------------


def test_missing_or_wrong_signature_is_403_and_writes_nothing(post):
    body = payload_bytes("text.json")
    assert post.raw(body, None).status_code == 403
    assert post.raw(body, "sha256=" + "0" * 64).status_code == 403
    assert post.raw(body, hub_signature("another-secret", body)).status_code == 403
    assert (
        post.raw(body, hub_signature(post.channel.secrets["app_secret"], body)[7:]).status_code
        == 403
    )
    assert not Message.objects.exists()


def test_another_workspaces_app_secret_cannot_sign_for_this_channel(post, other_workspace):
    other = make_whatsapp_channel(other_workspace, phone_number_id="106540352242922")
    body = payload_bytes("text.json")
    response = post.raw(body, hub_signature(other.secrets["app_secret"], body))
    assert response.status_code == 403
    assert not Message.objects.exists()


# --- messages ----------------------------------------------------------------------------


def _received(post, name: str) -> Message:
    response = post.raw(
        payload_bytes(name), hub_signature(post.channel.secrets["app_secret"], payload_bytes(name))
    )
    assert response.status_code == 200
    return Message.objects.get()


def test_text(post):
    message = _received(post, "text.json")
    assert message.content == {"type": "text", "text": "Does it come in another color?"}
    assert message.provider_message_id.startswith("wamid.")
    assert message.conversation.contact.name == "Sheena Nelson"
    assert message.conversation.contact.identities.get().value == CUSTOMER


def test_image_points_at_the_media_endpoint_of_the_channels_api(post):
    message = _received(post, "image.json")
    base = post.channel.api_base_url.rstrip("/")
    assert message.content["type"] == "media"
    assert message.content["url"] == f"{base}/v21.0/1003383421387256"
    assert message.content["caption"] == "This is the one I want"
    assert message.content["mime_type"] == "image/jpeg"


def test_document_keeps_its_filename(post):
    message = _received(post, "document.json")
    assert (message.content["filename"], message.content["mime_type"]) == (
        "receipt.pdf",
        "application/pdf",
    )


def test_location(post):
    message = _received(post, "location.json")
    assert message.content == {
        "type": "location",
        "latitude": 37.483307,
        "longitude": -122.148981,
        "label": "Main Street Beach",
    }


def test_contacts_become_readable_text(post):
    message = _received(post, "contacts.json")
    assert message.content["text"] == "Contact: Barbara J. Johnson +1 (940) 555-1234"


@pytest.mark.parametrize(
    ("name", "text", "postback"),
    [
        ("interactive_button_reply.json", "Yes", "confirm:yes"),
        ("interactive_list_reply.json", "Express", "priority_express"),
        ("template_quick_reply.json", "Unsubscribe", "Unsubscribe"),
    ],
)
def test_replies_are_suggestion_responses(post, name, text, postback):
    message = _received(post, name)
    assert message.content == {"type": "suggestion_response", "text": text, "postback": postback}


def test_reaction(post):
    message = _received(post, "reaction.json")
    assert message.content["text"] == "\U0001f44d"
    assert message.content["reaction"]["message_id"].startswith("wamid.")


def test_a_retry_is_absorbed_on_the_wamid(post):
    _received(post, "text.json")
    body = payload_bytes("text.json")
    assert (
        post.raw(body, hub_signature(post.channel.secrets["app_secret"], body)).status_code == 200
    )
    assert Message.objects.count() == 1


def test_events_of_another_phone_number_are_not_this_channels(post):
    data = json.loads(payload_bytes("text.json"))
    data["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert post.signed(data).status_code == 200
    assert not Message.objects.exists()


def test_a_body_that_is_not_a_whatsapp_envelope_is_400(post):
    assert post.signed({"object": "page", "entry": []}).status_code == 400
    assert post.signed(b"not json").status_code == 400


# --- statuses ----------------------------------------------------------------------------


@pytest.fixture
def outbound(post):
    from inbox.models import Author, Contact, Conversation, Direction

    contact = Contact.objects.create(workspace=post.channel.workspace, name="Sheena")
    conversation = Conversation.objects.create(
        workspace=post.channel.workspace, contact=contact, channel=post.channel
    )
    return Message.objects.create(
        workspace=post.channel.workspace,
        conversation=conversation,
        channel=post.channel,
        direction=Direction.OUTBOUND,
        author=Author.AGENT,
        content={"type": "text", "text": "hi"},
        text="hi",
        status=MessageStatus.SENT,
        provider_message_id="wamid.HBgLMTY0NzM4NzM1NzMVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA",
    )


def test_statuses_climb_the_ladder(post, outbound):
    for name in ("status_sent.json", "status_delivered.json", "status_read.json"):
        body = payload_bytes(name)
        assert (
            post.raw(body, hub_signature(post.channel.secrets["app_secret"], body)).status_code
            == 200
        )
    outbound.refresh_from_db()
    assert outbound.status == MessageStatus.READ


def test_a_failed_status_carries_the_code_and_our_summary_not_metas_text(post, outbound):
    body = payload_bytes("status_failed.json")
    assert (
        post.raw(body, hub_signature(post.channel.secrets["app_secret"], body)).status_code == 200
    )
    outbound.refresh_from_db()
    assert outbound.status == MessageStatus.FAILED
    event = MessageStatusEvent.objects.filter(message=outbound, status="failed").get()
    assert event.error_code == "131047"
    assert "24-hour window" in event.error_message
    assert (
        "more than 24 hours have passed since the customer last replied" not in event.error_message
    )
