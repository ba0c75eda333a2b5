"""The out-of-hours reply: only when closed, once per closed period, via the outbox."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from inbox.models import BusinessHours, Message
from tests.web.fakes import inbound, make_channel

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def channel(workspace, page_adapter):
    BusinessHours.objects.create(
        workspace=workspace, enabled=True, weekly={str(d): [["09:00", "17:00"]] for d in range(5)}
    )
    channel = make_channel(workspace)
    channel.config = {"out_of_hours_reply": "Hi {{contact.first_name}}, we are closed."}
    channel.save()
    return channel


def _at(when):
    return mock.patch("django.utils.timezone.now", return_value=when)


def _bot(conversation):
    return list(Message.objects.filter(conversation=conversation, author="bot"))


def test_reply_once_per_closed_period(channel):
    friday_evening = dt.datetime(2025, 1, 10, 19, tzinfo=UTC)
    with _at(friday_evening):
        conv = inbound(channel, "+15550000001", "hello?").conversation
    replies = _bot(conv)
    assert len(replies) == 1
    assert replies[0].text.endswith("we are closed.")
    assert replies[0].status == "queued" and replies[0].direction == "outbound"
    with _at(dt.datetime(2025, 1, 11, 10, tzinfo=UTC)):  # Saturday, same closed period
        inbound(channel, "+15550000001", "anyone?")
    assert len(_bot(conv)) == 1
    with _at(dt.datetime(2025, 1, 13, 10, tzinfo=UTC)):  # Monday, open
        inbound(channel, "+15550000001", "good morning")
    assert len(_bot(conv)) == 1
    with _at(dt.datetime(2025, 1, 13, 18, tzinfo=UTC)):  # Monday evening: a new closed period
        inbound(channel, "+15550000001", "one more")
    assert len(_bot(conv)) == 2


def test_no_reply_when_open_or_not_configured(channel, workspace, page_adapter):
    with _at(dt.datetime(2025, 1, 13, 10, tzinfo=UTC)):
        conv = inbound(channel, "+15550000001", "hello").conversation
    assert _bot(conv) == []
    silent = make_channel(workspace, name="Quiet")
    with _at(dt.datetime(2025, 1, 11, 10, tzinfo=UTC)):
        conv2 = inbound(silent, "+15550000002", "hello").conversation
    assert _bot(conv2) == []


def test_refused_reply_keeps_the_customer_message(channel):
    channel.is_active = False  # send_message refuses a disabled channel
    channel.save()
    with _at(dt.datetime(2025, 1, 11, 10, tzinfo=UTC)):
        message = inbound(channel, "+15550000001", "hello")
    assert Message.objects.filter(pk=message.pk).exists()
    assert _bot(message.conversation) == []
