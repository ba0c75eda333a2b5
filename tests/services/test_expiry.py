from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Message, MessageStatus
from inbox.services import deliver, expire_due, send_message


def later():
    return timezone.now() + timedelta(minutes=10)


@pytest.fixture
def reminder(rich_conversation, agent):
    message = send_message(
        rich_conversation,
        {"type": "text", "text": "Appointment at 3pm"},
        user=agent,
        ttl_seconds=300,
    )
    deliver(str(message.pk))
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.expires_at is not None
    return message


def test_undelivered_message_is_revoked_at_expiry(reminder, adapter):
    assert expire_due(now=later()) == {"expired": 1, "fell_back": 0, "kept": 0}
    reminder.refresh_from_db()
    assert adapter.revoked == [reminder.provider_message_id]
    assert reminder.status == MessageStatus.FAILED
    assert reminder.error_code == "expired"


def test_not_yet_due_is_left_alone(reminder, adapter):
    assert expire_due() == {"expired": 0, "fell_back": 0, "kept": 0}
    assert adapter.revoked == []


def test_provider_refusing_revoke_keeps_the_message(reminder, adapter):
    adapter.delivered.add(reminder.provider_message_id)
    assert expire_due(now=later())["kept"] == 1
    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.SENT


def test_expired_message_goes_out_as_sms_when_configured(reminder, adapter, rich, sms):
    rich.config["sms_on_expiry"] = True
    rich.save()
    assert expire_due(now=later())["fell_back"] == 1
    reminder.refresh_from_db()
    assert reminder.channel == sms and reminder.fallback_from == rich
    assert reminder.status == MessageStatus.QUEUED
    deliver(str(reminder.pk))
    assert [s["channel"] for s in adapter.sent] == ["RCS", "SMS"]
    assert expire_due(now=later() + timedelta(hours=1))["expired"] == 0  # never twice
    assert Message.objects.get(pk=reminder.pk).status == MessageStatus.SENT
