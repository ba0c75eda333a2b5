"""The adapter against the RBM sandbox over real HTTP (pytest-django's live_server).

OAuth tokens come from the sandbox's token endpoint through google-auth, exactly as from
Google; webhooks the sandbox posts are signed and land in the real inbox view.
"""

from __future__ import annotations

import json
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from channels_rcs import capability
from channels_rcs.adapter import RcsAdapter
from channels_rcs.sandbox import accounts, events, store
from inbox.adapters import NotReachable, PermanentSendError, TransientSendError
from inbox.models import Author, Direction, Message, MessageStatus
from inbox.services import create_channel

RCS_PHONE = "+14155550100"  # even last digit: RCS-capable in the sandbox
SMS_ONLY_PHONE = "+14155550101"  # odd last digit: no RCS

adapter = RcsAdapter()


@pytest.fixture
def channel(live_rcs_channel):
    return live_rcs_channel


def agent_id(channel) -> str:
    return channel.config["agent_id"]


def send(channel, to=RCS_PHONE, content=None, message_id=None):
    return adapter.send(
        channel,
        to=to,
        content=content or {"type": "text", "text": "Hello from RCS"},
        message_id=message_id or str(uuid.uuid4()),
    )


def test_send_uses_our_id_and_a_retry_is_absorbed_as_409(channel):
    content = {
        "type": "card",
        "card": {"title": "Roses", "suggestions": [{"type": "reply", "text": "Buy"}]},
    }
    message_id = str(uuid.uuid4())
    first = send(channel, content=content, message_id=message_id)
    assert first.provider_message_id == message_id
    assert first.status == "sent"
    assert first.details == {"name": f"phones/{RCS_PHONE}/agentMessages/{message_id}"}
    stored = store.get_message(agent_id(channel), message_id)
    assert stored["body"] == adapter.wire_message(channel, content)
    # The worker died before recording success; the retry must not deliver twice.
    again = send(channel, content=content, message_id=message_id)
    assert again.provider_message_id == message_id
    assert again.details["already_existed"] is True
    outbound = [e for e in store.handset_log(RCS_PHONE) if e.get("message_id") == message_id]
    assert len(outbound) == 1


def test_not_rcs_capable_raises_not_reachable_and_is_remembered(channel):
    with pytest.raises(NotReachable) as caught:
        send(channel, to=SMS_ONLY_PHONE)
    assert caught.value.code == "NOT_FOUND"
    assert "not reachable over RCS" in caught.value.reason
    # The 404 on send is cached: no lookup needed to route the next message to SMS.
    store.set_controls(agent_id(channel), reachable=[SMS_ONLY_PHONE])
    assert adapter.reachable(channel, SMS_ONLY_PHONE) is False
    capability.forget(channel, SMS_ONLY_PHONE)
    assert adapter.reachable(channel, SMS_ONLY_PHONE) is True


def test_capability_lookup_batched_and_cached(channel):
    other = "+14155550122"
    assert "RICHCARD_CAROUSEL" in capability.features(channel, RCS_PHONE)
    answers = adapter.check_capabilities(channel, [RCS_PHONE, SMS_ONLY_PHONE, RCS_PHONE])
    assert answers == {RCS_PHONE: True, SMS_ONLY_PHONE: False}
    # Cached both ways: the sandbox changing its mind is not seen until expiry.
    store.set_controls(agent_id(channel), unreachable=[RCS_PHONE], reachable=[SMS_ONLY_PHONE])
    assert adapter.reachable(channel, RCS_PHONE) is True
    assert adapter.reachable(channel, SMS_ONLY_PHONE) is False
    # A failed lookup is "unknown", not "no", and is not cached.
    store.push_errors(agent_id(channel), [{"status": 500}])
    assert adapter.reachable(channel, other) is None
    assert adapter.check_capability(channel, other) is True


def test_rate_limit_server_error_and_bad_request(channel):
    store.push_errors(
        agent_id(channel),
        [
            {"status": 429},
            {"status": 503},
            {"status": 400, "message": "contentMessage.text: required"},
        ],
    )
    with pytest.raises(TransientSendError) as limited:
        send(channel)
    assert limited.value.code == "RESOURCE_EXHAUSTED"
    assert limited.value.retry_after == 1.0
    with pytest.raises(TransientSendError) as unavailable:
        send(channel)
    assert unavailable.value.code == "UNAVAILABLE"
    with pytest.raises(PermanentSendError) as invalid:
        send(channel)
    assert not isinstance(invalid.value, NotReachable)
    assert invalid.value.code == "INVALID_ARGUMENT"
    assert "contentMessage.text: required" in invalid.value.reason
    assert send(channel).status == "sent"


def test_sandbox_refuses_what_rbm_would(channel):
    # Rendered outside the validator: a 5-chip card reaches the sandbox, which says 400.
    content = {
        "type": "card",
        "card": {"title": "x", "suggestions": [{"type": "reply", "text": "a"}] * 5},
    }
    with pytest.raises(PermanentSendError) as caught:
        send(channel, content=content)
    assert "more than 4 suggestions" in caught.value.reason


def test_a_key_the_token_endpoint_does_not_trust(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    config = accounts.channel_config()
    key = json.loads(config["service_account_key"])
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key["private_key"] = impostor.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    config["service_account_key"] = json.dumps(key)
    channel = create_channel(workspace, kind="rcs", name="Forged", config=config)
    with pytest.raises(PermanentSendError) as caught:
        send(channel)
    assert "could not get an RBM access token" in caught.value.reason


def test_agent_of_another_service_account_is_refused(channel, workspace):
    stranger_id, _, _ = accounts.new_agent()
    config = dict(channel.config, agent_id=stranger_id)
    key = channel.secrets["service_account_key"]
    other = create_channel(
        workspace,
        kind="rcs",
        name="Wrong agent",
        config={
            **config,
            "service_account_key": key,
            "client_token": "x",
            "api_base_url": channel.api_base_url,
        },
    )
    with pytest.raises(PermanentSendError) as caught:
        send(other)
    assert caught.value.code == "PERMISSION_DENIED"


def _outbound(channel, inbound: Message, message_id: str) -> Message:
    message = Message.objects.create(
        id=message_id,
        workspace_id=channel.workspace_id,
        conversation=inbound.conversation,
        channel=channel,
        direction=Direction.OUTBOUND,
        author=Author.AGENT,
        content={"type": "text", "text": "On its way"},
        text="On its way",
        status=MessageStatus.SENT,
        provider_message_id=message_id,
    )
    return message


def test_customer_messages_typing_read_and_user_events_round_trip(channel):
    status, mid = events.simulate_user_message(channel, RCS_PHONE, "Where is my order?")
    assert status == 200
    inbound = Message.objects.get(channel=channel, provider_message_id=mid)
    assert inbound.content == {"type": "text", "text": "Where is my order?"}

    for content in (
        {
            "type": "media",
            "url": "https://files.example/p.jpg",
            "mime_type": "image/jpeg",
            "size": 10,
        },
        {"type": "location", "latitude": 19.4326, "longitude": -99.1332},
        {"type": "suggestion_response", "text": "Pay now", "postback": "pay:inv-1"},
    ):
        status, other = events.simulate_user_message(channel, RCS_PHONE, content)
        assert status == 200
        got = Message.objects.get(channel=channel, provider_message_id=other).content
        assert got["type"] == content["type"]
    assert (
        Message.objects.get(content__type="suggestion_response").content["postback"] == "pay:inv-1"
    )
    assert events.simulate_typing(channel, RCS_PHONE) == 200

    # Agent side: typing, then the customer's message marked read.
    adapter.send_typing(channel, to=RCS_PHONE)
    adapter.mark_read(channel, to=RCS_PHONE, provider_message_id=mid)
    seen = [
        e
        for e in store.handset_log(RCS_PHONE)
        if e.get("direction") == "event" and e["agent_id"] == agent_id(channel)
    ]
    assert [e["eventType"] for e in seen] == ["IS_TYPING", "READ"]
    assert seen[1]["messageId"] == mid

    # An agent reply, then the phone's DELIVERED and READ user events, signed, to our view.
    reply_id = str(uuid.uuid4())
    send(channel, message_id=reply_id)
    reply = _outbound(channel, inbound, reply_id)
    assert events.fire(agent_id(channel), reply_id) == [200, 200]
    reply.refresh_from_db()
    assert reply.status == MessageStatus.READ
    assert reply.delivered_at is not None
    assert store.get_message(agent_id(channel), reply_id)["status"] == "READ"


def test_revoke_only_while_undelivered(channel):
    pending = str(uuid.uuid4())
    send(channel, message_id=pending)
    assert adapter.revoke(channel, to=RCS_PHONE, provider_message_id=pending) is True
    delivered = str(uuid.uuid4())
    send(channel, message_id=delivered)
    events.post_user_event(agent_id(channel), RCS_PHONE, "DELIVERED", delivered)
    assert adapter.revoke(channel, to=RCS_PHONE, provider_message_id=delivered) is False
