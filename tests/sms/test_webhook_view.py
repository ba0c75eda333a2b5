"""The webhook endpoints: verify -> parse -> ingest -> TwiML, and nothing written otherwise."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import sign
from inbox.models import Contact, Conversation, Message

from .conftest import CUSTOMER, FORM, OUR_NUMBER, path_of, signed_post

TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _params(channel, body="Hi, where is my order?", **extra):
    params = inbound_params(
        account_sid=channel.config["account_sid"],
        from_number=CUSTOMER,
        to_number=OUR_NUMBER,
        body=body,
    )
    params.update(extra)
    return params


def _urls(channel):
    return channel.adapter.webhook_urls(channel)


def _token(channel):
    return channel.secrets["auth_token"]


def test_signed_inbound_is_stored_and_answered_with_twiml(client, sms_channel):
    params = _params(sms_channel)
    response = signed_post(client, _urls(sms_channel)["inbound"], params, _token(sms_channel))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content == TWIML
    message = Message.objects.get()
    assert message.provider_message_id == params["MessageSid"]
    assert message.direction == "inbound"
    assert message.status == "received"
    assert message.content == {"type": "text", "text": "Hi, where is my order?"}
    assert message.conversation.contact.identities.get().value == CUSTOMER
    assert message.channel == sms_channel


def test_missing_signature_is_403_and_writes_nothing(client, sms_channel):
    path = path_of(_urls(sms_channel)["inbound"])
    response = client.post(path, data=urlencode(_params(sms_channel)), content_type=FORM)
    assert response.status_code == 403
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_wrong_signature_is_403_and_writes_nothing(client, sms_channel):
    params = _params(sms_channel)
    url = _urls(sms_channel)["inbound"]
    response = signed_post(client, url, params, "not-the-token")
    assert response.status_code == 403
    # Signed for different parameters than those posted.
    forged = sign(_token(sms_channel), url, {**params, "Body": "something else"})
    response = client.post(
        path_of(url), data=urlencode(params), content_type=FORM, HTTP_X_TWILIO_SIGNATURE=forged
    )
    assert response.status_code == 403
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_malformed_inbound_is_400_and_writes_nothing(client, sms_channel):
    url = _urls(sms_channel)["inbound"]
    params = _params(sms_channel)
    del params["MessageSid"]
    response = signed_post(client, url, params, _token(sms_channel))
    assert response.status_code == 400
    assert b"MessageSid: required" in response.content
    response = signed_post(client, url, _params(sms_channel, From="12345"), _token(sms_channel))
    assert response.status_code == 400
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_duplicate_message_sid_is_absorbed(client, sms_channel):
    params = _params(sms_channel)
    url = _urls(sms_channel)["inbound"]
    for _ in range(3):
        response = signed_post(client, url, params, _token(sms_channel))
        assert response.status_code == 200
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1


def test_mms_is_stored_as_media(client, sms_channel):
    params = inbound_params(
        account_sid=sms_channel.config["account_sid"],
        from_number=CUSTOMER,
        to_number=OUR_NUMBER,
        body="My receipt",
        media=[("https://media.test/receipt.png", "image/png")],
    )
    response = signed_post(client, _urls(sms_channel)["inbound"], params, _token(sms_channel))
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.content == {
        "type": "media",
        "url": "https://media.test/receipt.png",
        "mime_type": "image/png",
        "caption": "My receipt",
    }
    assert message.provider_message_id.startswith("MM")


def test_get_webhook_is_signed_over_the_url(client, sms_channel):
    url = _urls(sms_channel)["inbound"] + "?" + urlencode(_params(sms_channel, body="via GET"))
    sig = sign(_token(sms_channel), url)
    assert client.get(path_of(url), HTTP_X_TWILIO_SIGNATURE="bad").status_code == 403
    response = client.get(path_of(url), HTTP_X_TWILIO_SIGNATURE=sig)
    assert response.status_code == 200
    assert Message.objects.get().text == "via GET"


def test_unknown_token_is_404(client, sms_channel):
    response = client.post(
        "/webhooks/sms/nope/", data=urlencode(_params(sms_channel)), content_type=FORM
    )
    assert response.status_code == 404


def test_status_callback_for_unknown_message_is_kept_for_later(client, sms_channel):
    from inbox.models import OrphanStatus

    params = {
        "MessageSid": "SM" + "b" * 32,
        "MessageStatus": "delivered",
        "AccountSid": sms_channel.config["account_sid"],
    }
    response = signed_post(client, _urls(sms_channel)["status"], params, _token(sms_channel))
    assert response.status_code == 200
    assert OrphanStatus.objects.get().status == "delivered"


@pytest.mark.django_db(transaction=True)
def test_a_channel_deleted_while_remembered_is_404_not_500(client, sms_channel):
    """The view remembers a channel for CHANNEL_CACHE_SECONDS; a webhook for one deleted
    meanwhile finds no row for its insert's foreign key. It names no channel now: 404 as
    for an unknown one (a 500 would have the provider retry a dead URL), and forgotten."""
    from inbox import webhooks

    url, token = _urls(sms_channel)["inbound"], _token(sms_channel)
    assert signed_post(client, url, _params(sms_channel), token).status_code == 200
    Conversation.objects.all().delete()  # a channel with threads cannot be deleted
    sms_channel.delete()
    kind, webhook_token = sms_channel.kind, sms_channel.webhook_token
    assert webhooks.cached_channel(kind, webhook_token) is not webhooks.NOT_CACHED
    response = signed_post(client, url, _params(sms_channel, MessageSid="SM" + "9" * 32), token)
    assert response.status_code == 404
    assert response.content == b"unknown channel\n"
    assert webhooks.cached_channel(kind, webhook_token) is webhooks.NOT_CACHED
    assert not Message.objects.exists()
