"""The adapter against the WhatsApp sandbox over real HTTP (pytest-django's live_server).

The sandbox checks the Bearer token, answers with Meta's shapes and error codes, and posts
statuses signed with the app secret to the channel's real webhook view.
"""

from __future__ import annotations

import pytest

from channels_whatsapp import message_templates
from channels_whatsapp.adapter import WhatsAppAdapter
from channels_whatsapp.models import MessageTemplate
from channels_whatsapp.sandbox import api, events, store
from inbox.adapters import NotReachable, PermanentSendError, TransientSendError
from inbox.models import Message, MessageStatus
from inbox.services.media import fetch_inbound_media
from tests.support.waiting import deliver_until_settled

from .conftest import CUSTOMER, make_whatsapp_channel

adapter = WhatsAppAdapter()


@pytest.fixture
def channel(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    channel = make_whatsapp_channel(workspace)
    store.set_controls(channel.config["phone_number_id"], statuses="manual")
    yield channel
    store.reset(channel.config["phone_number_id"])


def pnid(channel) -> str:
    return channel.config["phone_number_id"]


def test_a_customer_message_arrives_signed_and_a_reply_climbs_to_read(channel):
    status, wamid = events.simulate_user_message(channel, CUSTOMER, "Hi, is my order ready?")
    assert status == 200
    inbound = Message.objects.get(provider_message_id=wamid)
    assert inbound.content == {"type": "text", "text": "Hi, is my order ready?"}

    sent = adapter.send(
        channel, to=CUSTOMER, content={"type": "text", "text": "Yes!"}, message_id="x"
    )
    stored = store.get_message(pnid(channel), sent.provider_message_id)
    assert stored["body"]["text"] == {"body": "Yes!", "preview_url": False}
    assert stored["to"] == CUSTOMER.lstrip("+")


def test_statuses_reach_the_inbox(channel, workspace):
    from inbox.services import send_message

    events.simulate_user_message(channel, CUSTOMER, "Hello")
    conversation = Message.objects.get().conversation
    message = send_message(conversation, {"type": "text", "text": "Hi there"})
    # A session Celery worker, if an earlier test started one, may send it first.
    message = deliver_until_settled(message.pk)
    assert message.status == MessageStatus.SENT
    assert events.fire(pnid(channel), message.provider_message_id) == [200, 200, 200]
    message.refresh_from_db()
    assert message.status == MessageStatus.READ


def test_outside_the_window_the_sandbox_fails_it_with_131047(channel):
    sent = adapter.send(
        channel, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x"
    )
    plan = events.plan(
        store.get_message(pnid(channel), sent.provider_message_id), store.controls(pnid(channel))
    )
    assert plan == [("failed", 0.1, 131047)]


def test_undeliverable_numbers_fail_with_131026(channel):
    store.set_controls(pnid(channel), undeliverable=[CUSTOMER.lstrip("+")], enforce_window=False)
    sent = adapter.send(
        channel, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x"
    )
    value = events.status_value(sent.provider_message_id, "failed", CUSTOMER.lstrip("+"), 131026)
    assert value["statuses"][0]["errors"][0]["code"] == 131026
    assert store.get_message(pnid(channel), sent.provider_message_id)["fails_with"] == 131026


def test_rate_limit_is_transient_with_retry_after_and_never_echoes_the_body(channel):
    api.apply_controls(
        {"phone_number_id": pnid(channel), "waba_id": ""}, {"fail_next": [{"code": 130429}]}
    )
    with pytest.raises(TransientSendError) as caught:
        adapter.send(channel, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x")
    assert caught.value.code == "130429"
    assert caught.value.retry_after == 1
    assert "fbtrace" not in caught.value.reason


def test_a_send_refused_as_undeliverable_is_not_reachable(channel):
    api.apply_controls(
        {"phone_number_id": pnid(channel), "waba_id": ""}, {"fail_next": [{"code": 131026}]}
    )
    with pytest.raises(NotReachable):
        adapter.send(channel, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x")


def test_a_wrong_token_is_refused(channel):
    channel.secrets = {**channel.secrets, "access_token": "EAAwrong"}
    with pytest.raises(PermanentSendError) as caught:
        adapter.send(channel, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x")
    assert caught.value.code == "190"


def test_inbound_media_is_fetched_through_the_media_endpoint_with_the_token(
    channel, settings, tmp_path
):
    from tests.support.media import use_temporary_storage

    public = settings.PUBLIC_BASE_URL
    use_temporary_storage(settings, tmp_path)
    settings.PUBLIC_BASE_URL = public  # the sandbox and the webhook live on live_server
    png = events.PIXEL
    _status, wamid = events.simulate_user_message(
        channel,
        CUSTOMER,
        {"type": "media", "mime_type": "image/png", "data": png, "caption": "Look"},
    )
    message = Message.objects.get(provider_message_id=wamid)
    assert fetch_inbound_media(str(message.pk)) == "stored"
    message.refresh_from_db()
    assert message.content["size"] == len(png)
    assert message.content["mime_type"] == "image/png"


def test_read_receipt_and_typing_reach_the_phone(channel):
    _status, wamid = events.simulate_user_message(channel, CUSTOMER, "Hello")
    adapter.mark_read(channel, to=CUSTOMER, provider_message_id=wamid)
    adapter.send_typing(channel, to=CUSTOMER)
    seen = [
        e
        for e in store.handset_log(CUSTOMER)
        if e.get("direction") == "event" and e.get("phone_number_id") == pnid(channel)
    ]
    assert [(e["event"], e.get("typing", False)) for e in seen] == [("read", False), ("read", True)]


def test_templates_create_submit_review_sync_and_send(channel):
    template = message_templates.create_template(
        channel,
        name="order_update",
        language="en_US",
        category="UTILITY",
        body="Hi {{1}}, order {{2}} shipped",
        examples=["Ana", "42"],
    )
    assert template.status == MessageTemplate.Status.DRAFT
    message_templates.submit_template(template)
    assert template.status == MessageTemplate.Status.PENDING
    api.apply_controls(
        {"phone_number_id": pnid(channel), "waba_id": channel.config["waba_id"]},
        {"review": {"name": "order_update", "language": "en_US", "status": "APPROVED"}},
    )
    assert message_templates.sync_templates(channel) == 1
    template.refresh_from_db()
    assert template.status == MessageTemplate.Status.APPROVED
    content = message_templates.template_content(template, ["Ana", "42"])
    assert adapter.validate(channel, content) == []
    sent = adapter.send(channel, to=CUSTOMER, content=content, message_id="x")
    stored = store.get_message(pnid(channel), sent.provider_message_id)
    assert stored["type"] == "template"
    assert "fails_with" not in stored  # templates go outside the window


def test_a_template_with_the_wrong_parameter_count_is_refused_by_the_sandbox(channel):
    store.save_template(
        channel.config["waba_id"],
        {
            "id": "1",
            "name": "hello",
            "language": "en_US",
            "category": "UTILITY",
            "status": "APPROVED",
            "components": [{"type": "BODY", "text": "Hi {{1}}"}],
        },
    )
    content = {
        "type": "text",
        "text": "Hi",
        "template": {"name": "hello", "language": "en_US", "parameters": []},
    }
    with pytest.raises(PermanentSendError) as caught:
        adapter.send(channel, to=CUSTOMER, content=content, message_id="x")
    assert caught.value.code == "132000"


def test_connection_test(channel):
    ok, note = adapter.test_connection(channel)
    assert ok, note


def test_another_workspaces_channel_cannot_use_this_number(channel, other_workspace, live_server):
    from inbox.services import create_channel

    stolen = create_channel(
        other_workspace,
        kind="whatsapp",
        name="Not theirs",
        config={
            "phone_number_id": pnid(channel),
            "waba_id": channel.config["waba_id"],
            "access_token": "EAAguess",
            "app_secret": "x",
            "verify_token": "y",
            "api_base_url": channel.api_base_url,
        },
    )
    with pytest.raises(PermanentSendError):
        adapter.send(stolen, to=CUSTOMER, content={"type": "text", "text": "Hi"}, message_id="x")
