"""Outbound through the services, the sandbox and its callbacks, all over in-process HTTP.

Out-of-order and duplicated callbacks must never move a status backwards.
"""

from __future__ import annotations

import pytest

from channels_sms import sandbox
from inbox import services
from inbox.adapters import TransientSendError
from inbox.models import Conversation, Message, MessageStatusEvent
from inbox.models.message import STATUS_RANK

from .conftest import OUR_NUMBER

pytestmark = pytest.mark.usefixtures("in_process_http")


def _conversation(channel, number: str) -> Conversation:
    contact = services.find_or_create_contact(channel.workspace, kind="phone", value=number)
    return Conversation.objects.create(
        workspace=channel.workspace, contact=contact, channel=channel
    )


def _send(channel, number: str, text: str = "Your order has shipped.") -> Message:
    message = services.send_message(_conversation(channel, number), {"type": "text", "text": text})
    services.deliver(str(message.id))
    message.refresh_from_db()
    return message


def _webhook_events(message: Message) -> list[MessageStatusEvent]:
    return list(message.status_events.filter(source="webhook").order_by("pk"))


def test_send_then_callbacks_reach_delivered(sms_channel, django_http):
    message = _send(sms_channel, "+14155550123")
    assert message.status == "sent"
    assert message.provider_message_id.startswith("SM")
    stored = sandbox.handset_messages("+14155550123")[-1]
    assert stored["body"] == "Your order has shipped."
    assert stored["from"] == OUR_NUMBER
    assert stored["status_callback"] == sms_channel.adapter.webhook_urls(sms_channel)["status"]
    assert sandbox.fire_callbacks(message.provider_message_id, client=django_http) == [200, 200]
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.delivered_at is not None
    assert [(e.status, e.applied) for e in _webhook_events(message)] == [
        ("sent", False),  # already "sent" when the provider accepted it
        ("delivered", True),
    ]


def test_out_of_order_callbacks_never_move_backwards(sms_channel, django_http):
    message = _send(sms_channel, "+15005550101")
    sandbox.fire_callbacks(message.provider_message_id, client=django_http)
    message.refresh_from_db()
    assert message.status == "delivered"
    events = _webhook_events(message)
    assert [(e.status, e.applied) for e in events] == [("delivered", True), ("sent", False)]


def test_duplicate_callbacks_are_absorbed(sms_channel, django_http):
    message = _send(sms_channel, "+15005550102")
    codes = sandbox.fire_callbacks(message.provider_message_id, client=django_http)
    assert codes == [200, 200, 200, 200]
    message.refresh_from_db()
    assert message.status == "delivered"
    applied = [e.status for e in _webhook_events(message) if e.applied]
    assert applied == ["delivered"]
    ranks = [
        STATUS_RANK[e.status] for e in message.status_events.filter(applied=True).order_by("pk")
    ]
    assert ranks == sorted(ranks)


def test_async_failure_carries_a_readable_reason(sms_channel, django_http):
    message = _send(sms_channel, "+15005553003")
    sandbox.fire_callbacks(message.provider_message_id, client=django_http)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error_code == "30003"
    assert message.error_message == "unreachable handset (phone off or out of coverage)"


def test_control_async_error_and_late_success_stays_failed(sms_channel, django_http):
    sid = sms_channel.config["account_sid"]
    sandbox.set_controls(
        sid, async_error={"status": "undelivered", "code": 30007}, out_of_order=True
    )
    message = _send(sms_channel, "+14155550124")
    sandbox.fire_callbacks(message.provider_message_id, client=django_http)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error_code == "30007"
    assert message.error_message.startswith("carrier filtered")


def test_opted_out_recipient_fails_permanently(sms_channel):
    sandbox.block(sms_channel.config["account_sid"], "+14155550125")
    message = _send(sms_channel, "+14155550125")
    assert message.status == "failed"
    assert message.error_code == "21610"
    assert message.error_message == "unsubscribed (recipient replied STOP)"
    assert message.provider_message_id == ""


def test_rate_limit_requeues_for_retry(sms_channel):
    sid = sms_channel.config["account_sid"]
    sandbox.fail_next(sid, "429", 1)
    sandbox.set_controls(sid, retry_after=7)
    message = services.send_message(
        _conversation(sms_channel, "+14155550126"), {"type": "text", "text": "hi"}
    )
    with pytest.raises(TransientSendError) as exc:
        services.deliver(str(message.id))
    assert exc.value.code == "20429"
    assert exc.value.retry_after == 7
    message.refresh_from_db()
    assert message.status == "queued"
    assert services.deliver(str(message.id)) == "sent"  # the injected failure was used up
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
