"""A batch's customer messages applied set-based (inbox/services/ingest_batch.py): the
statements do not grow with the batch, and every rule of ingest_message still holds."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox import signals
from inbox.adapters import InboundMessage
from inbox.adapters.events import to_record
from inbox.models import (
    Consent,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    InboundEvent,
    Message,
    MessageStatus,
    MessageStatusEvent,
)
from inbox.services import accept, apply_pending, ingest

from .conftest import CUSTOMER

OTHER = "+14155550199"
CHIPS = {
    "type": "text",
    "text": "Deliver tomorrow?",
    "suggestions": [
        {"type": "reply", "text": "Yes", "postback": "confirm:yes"},
        {"type": "reply", "text": "No", "postback": "confirm:no"},
    ],
}


@pytest.fixture(autouse=True)
def _worker_mode(settings):
    settings.INBOUND_EVENTS_INLINE = False  # apply explicitly, as the worker would
    settings.INBOUND_APPLY_PARTITIONS = 1  # everything pending in one batch


def text(pid: str, sender: str = CUSTOMER, body: str = "hi") -> InboundMessage:
    return InboundMessage(
        provider_message_id=pid,
        sender=sender,
        recipient="+15550001",
        content={"type": "text", "text": body},
        text=body,
    )


def customer(n: int) -> str:
    return f"+1415300{n:04d}"


def outbound(conversation, content=None, pid="") -> Message:
    content = content or {"type": "text", "text": "Our offer"}
    return Message.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.OUTBOUND,
        author="agent",
        content=content,
        text=content["text"],
        status=MessageStatus.SENT,
        provider_message_id=pid,
    )


def thread_of(sender: str) -> Conversation:
    return Conversation.objects.get(contact__identities__value=sender)


def applying_queries() -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert apply_pending() > 0
    return len(ctx.captured_queries)


def test_a_batchs_statements_do_not_grow_with_its_messages(channel):
    for n in range(60):  # customers who wrote before and got an answer
        outbound(ingest(channel, [text(f"SEED{n}", customer(n))])[0].conversation)
    for n in range(5):
        accept(channel, [text(f"A{n}", customer(n), body="hello")])
    small = applying_queries()
    for n in range(5, 55):
        accept(channel, [text(f"A{n}", customer(n), body="hello")])
    large = applying_queries()
    assert large == small
    assert Message.objects.filter(provider_message_id__startswith="A").count() == 55


def test_one_customers_messages_in_one_batch_keep_their_order(channel):
    ingest(channel, [text("SEED1")])
    ingest(channel, [text("SEED2", OTHER)])
    for pid, sender in [("A1", CUSTOMER), ("B1", OTHER), ("A2", CUSTOMER), ("A3", CUSTOMER)]:
        accept(channel, [text(pid, sender, body=f"text {pid}")])
    assert apply_pending() == 4
    thread = thread_of(CUSTOMER)
    in_order = thread.messages.order_by("created_at").values_list("provider_message_id", flat=True)
    assert list(in_order) == ["SEED1", "A1", "A2", "A3"]
    assert thread.last_message_preview == "text A3"
    assert thread.last_message_at == Message.objects.get(provider_message_id="A3").created_at
    assert thread_of(OTHER).last_message_preview == "text B1"
    history = MessageStatusEvent.objects.filter(message__provider_message_id__in=["A1", "A2", "A3"])
    assert sorted(history.values_list("status", flat=True)) == [MessageStatus.RECEIVED] * 3


def test_a_replayed_message_in_a_batch_writes_and_announces_nothing(
    channel, monkeypatch, django_capture_on_commit_callbacks
):
    ingest(channel, [text("A1")])
    # The same message again in a row of its own (the door's dedupe key missed it).
    InboundEvent.objects.create(
        channel=channel,
        kind="InboundMessage",
        events=[list(to_record(text("A1")))],
        received_at=timezone.now(),
    )
    sent = []
    monkeypatch.setattr("inbox.realtime.publish._send", lambda g, p: sent.append((g, p)))
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_pending() == 1
    assert Message.objects.filter(provider_message_id="A1").count() == 1
    assert MessageStatusEvent.objects.count() == 1
    assert sent == []


def test_a_resolved_thread_reopens_and_says_so_when_its_customer_writes(
    channel, django_capture_on_commit_callbacks
):
    thread = ingest(channel, [text("SEED")])[0].conversation
    Conversation.objects.filter(pk=thread.pk).update(
        status=ConversationStatus.RESOLVED, resolved_at=timezone.now(), waiting_since=None
    )
    seen = []

    def listener(sender, conversation, previous_status="", **kwargs):
        seen.append((conversation.pk, previous_status, conversation.status))

    signals.conversation_status_changed.connect(listener, dispatch_uid="test-batch-reopen")
    try:
        accept(channel, [text("A1")])
        with django_capture_on_commit_callbacks(execute=True):
            assert apply_pending() == 1
    finally:
        signals.conversation_status_changed.disconnect(dispatch_uid="test-batch-reopen")
    thread.refresh_from_db()
    assert thread.status == ConversationStatus.OPEN
    assert thread.resolved_at is None
    assert thread.waiting_since == Message.objects.get(provider_message_id="A1").created_at
    assert seen == [(thread.pk, ConversationStatus.RESOLVED, ConversationStatus.OPEN)]


def test_a_typed_option_number_is_the_option_it_names(channel):
    thread = ingest(channel, [text("SEED")])[0].conversation
    outbound(thread, CHIPS)  # the channel has no chips: the options went out numbered
    accept(channel, [text("A1", body=" 2 ")])
    accept(channel, [text("A2", body="yes")])
    assert apply_pending() == 2
    first, second = (Message.objects.get(provider_message_id=p) for p in ("A1", "A2"))
    assert first.content["type"] == "suggestion_response"
    assert first.content["postback"] == "confirm:no"
    assert first.text == " 2 "
    assert second.content["postback"] == "confirm:yes"


def test_a_stop_keyword_in_a_batch_opts_the_customer_out(channel):
    ingest(channel, [text("SEED")])
    accept(channel, [text("A1", body="STOP")])
    accept(channel, [text("B1", OTHER, body="stop sending me those please")])
    assert apply_pending() == 2
    consent = Consent.objects.get(address=CUSTOMER)
    assert consent.opted_out and consent.source == "keyword"
    assert not Consent.objects.filter(address=OTHER).exists()  # a sentence is no keyword


def test_two_addresses_of_one_contact_in_one_batch_share_its_thread_in_order(channel):
    thread = ingest(channel, [text("SEED")])[0].conversation
    ContactIdentity.objects.create(
        workspace_id=channel.workspace_id, contact=thread.contact, kind="phone", value=OTHER
    )
    accept(channel, [text("A1")])
    accept(channel, [text("A2", OTHER)])
    accept(channel, [text("A3")])
    assert apply_pending() == 3
    assert Conversation.objects.count() == 1
    in_order = thread.messages.order_by("created_at").values_list("provider_message_id", flat=True)
    assert list(in_order) == ["SEED", "A1", "A2", "A3"]
    thread.refresh_from_db()
    assert thread.last_message_preview == "hi"


def test_new_customers_and_known_ones_in_one_batch_each_get_one_thread(channel):
    ingest(channel, [text("SEED")])
    accept(channel, [text("N1", OTHER)])
    accept(channel, [text("A1")])
    accept(channel, [text("N2", OTHER)])
    assert apply_pending() == 3
    assert Conversation.objects.count() == 2
    other = thread_of(OTHER)
    in_order = other.messages.order_by("created_at").values_list("provider_message_id", flat=True)
    assert list(in_order) == ["N1", "N2"]


def test_a_batchs_messages_and_history_are_stored_as_one_by_one(channel):
    """The batch inserts its messages and their history from arrays: every column as
    the one-by-one path stores it, the provider's payload (quotes, backslashes, NUL-free
    unicode) unchanged."""
    ingest(channel, [text("SEED1")])
    raw = {"Body": 'say "hi" \\ ok', "From": CUSTOMER, "Emoji": "é 😀"}
    event = replace(text("Q1", body='say "hi"'), raw=raw)
    accept(channel, [event])
    assert apply_pending() == 1
    message = Message.objects.get(provider_message_id="Q1")
    assert message.direction == Direction.INBOUND
    assert message.status == MessageStatus.RECEIVED
    assert message.content == {"type": "text", "text": 'say "hi"'}
    assert message.text == 'say "hi"'
    assert message.conversation == thread_of(CUSTOMER)
    (history,) = MessageStatusEvent.objects.filter(message=message)
    assert (history.status, history.source, history.raw) == (
        MessageStatus.RECEIVED,
        "webhook",
        raw,
    )
    assert history.at == message.created_at
    assert (history.applied, history.error_code, history.error_message) == (True, "", "")
