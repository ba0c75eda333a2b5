"""Batched apply keeps every per-event guarantee of applying events one by one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inbox import signals
from inbox.adapters import InboundMessage, ReadReceipt, StatusUpdate
from inbox.adapters.events import to_record
from inbox.models import (
    Contact,
    Conversation,
    Direction,
    InboundEvent,
    Message,
    MessageStatus,
    MessageStatusEvent,
    OrphanStatus,
)
from inbox.services import accept, apply_pending, inbound_queue, ingest

from .conftest import CUSTOMER

OTHER = "+14155550199"


@pytest.fixture(autouse=True)
def _worker_mode(settings):
    settings.INBOUND_EVENTS_INLINE = False  # apply explicitly, as the worker would


@pytest.fixture
def published(monkeypatch):
    """What would go to the Channels groups, in order (after commit)."""
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "inbox.realtime.publish._send", lambda group, payload: sent.append((group, payload))
    )
    return sent


@pytest.fixture
def changed():
    """inbox.signals.message_changed as listeners receive it: (message id, created)."""
    seen: list[tuple[str, bool]] = []

    def listener(sender, message, created=False, **kwargs):
        seen.append((str(message.pk), created))

    signals.message_changed.connect(listener, dispatch_uid="test-batch-listener")
    yield seen
    signals.message_changed.disconnect(dispatch_uid="test-batch-listener")


def text(pid: str, sender: str = CUSTOMER, body: str = "hi") -> InboundMessage:
    return InboundMessage(
        provider_message_id=pid,
        sender=sender,
        recipient="+15550001",
        content={"type": "text", "text": body},
        text=body,
    )


def raw_row(channel, *events) -> InboundEvent:
    """A committed event row without the door's dedupe key (a duplicate the door missed,
    as two webhooks for one message with different shapes would be)."""
    return InboundEvent.objects.create(
        channel=channel,
        kind=type(events[0]).__name__,
        events=[list(to_record(e)) for e in events],
        received_at=timezone.now(),
    )


@pytest.fixture
def outbound(channel):
    """Two outbound messages the provider knows as OUT1 and OUT2."""
    first = ingest(channel, [text("IN1")])[0]
    made = []
    for pid in ("OUT1", "OUT2"):
        made.append(
            Message.objects.create(
                workspace_id=channel.workspace_id,
                conversation=first.conversation,
                channel=channel,
                direction=Direction.OUTBOUND,
                author="agent",
                content={"type": "text", "text": "hello"},
                text="hello",
                status=MessageStatus.SENDING,
                provider_message_id=pid,
            )
        )
    return made


def test_a_duplicate_message_in_one_batch_is_one_message(channel):
    raw_row(channel, text("A1"))
    raw_row(channel, text("A1"))
    assert apply_pending() == 2
    assert Message.objects.filter(provider_message_id="A1").count() == 1
    assert not InboundEvent.objects.filter(applied_at__isnull=True).exists()


def test_two_first_messages_from_one_new_customer_in_one_batch_make_one_thread(channel):
    accept(channel, [text("A1", sender=OTHER)])
    accept(channel, [text("A2", sender=OTHER)])
    assert apply_pending() == 2
    assert Contact.objects.count() == 1
    conversation = Conversation.objects.get()
    in_order = conversation.messages.order_by("created_at").values_list(
        "provider_message_id", flat=True
    )
    assert list(in_order) == ["A1", "A2"]


def test_statuses_out_of_order_in_one_batch_never_move_backwards(channel, outbound):
    accept(channel, [StatusUpdate("OUT1", MessageStatus.READ)])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.DELIVERED)])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.SENT)])
    assert apply_pending() == 3
    message = Message.objects.get(provider_message_id="OUT1")
    assert message.status == MessageStatus.READ
    assert message.read_at is not None
    history = list(
        MessageStatusEvent.objects.filter(message=message, source="webhook")
        .order_by("pk")
        .values_list("status", "applied")
    )
    assert history == [("read", True), ("delivered", False), ("sent", False)]


def test_statuses_in_order_in_one_batch_each_take_their_step(channel, outbound):
    accept(channel, [StatusUpdate("OUT1", MessageStatus.SENT)])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.DELIVERED)])
    accept(channel, [ReadReceipt("OUT2")])
    assert apply_pending() == 3
    first, second = (Message.objects.get(provider_message_id=p) for p in ("OUT1", "OUT2"))
    assert first.status == MessageStatus.DELIVERED
    assert first.sent_at is not None and first.delivered_at is not None
    assert second.status == MessageStatus.READ


def test_a_status_for_an_unknown_message_waits_as_an_orphan(channel, outbound):
    accept(channel, [StatusUpdate("LATER", MessageStatus.DELIVERED)])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.DELIVERED)])
    assert apply_pending() == 2
    orphan = OrphanStatus.objects.get()
    assert (orphan.provider_message_id, orphan.status) == ("LATER", "delivered")
    assert Message.objects.get(provider_message_id="OUT1").status == MessageStatus.DELIVERED


def test_a_poison_event_in_a_batch_does_not_block_the_others(channel, outbound, monkeypatch):
    real_ingest = inbound_queue.ingest

    def poison_p1(channel, events):
        if getattr(events[0], "provider_message_id", "") == "P1":
            raise RuntimeError("cannot apply")
        return real_ingest(channel, events)

    real_ingest_messages = inbound_queue.ingest_messages

    def poison_p1_in_batch(items):
        if any(event.provider_message_id == "P1" for _, event in items):
            raise RuntimeError("cannot apply")
        return real_ingest_messages(items)

    monkeypatch.setattr(inbound_queue, "ingest", poison_p1)  # one by one
    monkeypatch.setattr(inbound_queue, "ingest_messages", poison_p1_in_batch)
    accept(channel, [text("A1")])
    accept(channel, [text("P1")])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.DELIVERED)])
    accept(channel, [text("A2")])
    assert apply_pending() == 3
    assert set(
        Message.objects.filter(provider_message_id__in=["A1", "A2"]).values_list(
            "provider_message_id", flat=True
        )
    ) == {"A1", "A2"}
    assert Message.objects.get(provider_message_id="OUT1").status == MessageStatus.DELIVERED
    poison = InboundEvent.objects.get(applied_at__isnull=True)
    assert poison.attempts == 1 and "cannot apply" in poison.error
    for _ in range(inbound_queue.MAX_APPLY_ATTEMPTS - 1):
        assert apply_pending() == 0
    poison.refresh_from_db()
    assert poison.gave_up_at is not None  # set aside, payload kept
    accept(channel, [text("A3")])
    assert apply_pending() == 1


def test_a_batch_publishes_once_per_group_and_tells_listeners_of_every_message(
    channel, outbound, published, changed, django_capture_on_commit_callbacks, settings
):
    settings.INBOUND_APPLY_PARTITIONS = 1  # everything in one batch
    accept(channel, [text("A1")])
    accept(channel, [text("A2", sender=OTHER)])
    accept(channel, [StatusUpdate("OUT1", MessageStatus.DELIVERED)])
    accept(channel, [StatusUpdate("OUT2", MessageStatus.DELIVERED)])
    published.clear()
    changed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_pending() == 4
    workspace_group = f"ws-{channel.workspace_id}"
    to_workspace = [payload for group, payload in published if group == workspace_group]
    assert len(to_workspace) == 1
    events = to_workspace[0]["events"]
    assert [e["event"] for e in events].count("message.created") == 2
    assert [e["event"] for e in events].count("message.updated") == 2
    assert all(payload["event"] == "batch" for _, payload in published if len(payload) == 2)
    ids = {str(m.pk) for m in Message.objects.filter(provider_message_id__in=["A1", "A2"])}
    outs = {str(m.pk) for m in outbound}
    assert {pk for pk, created in changed if created} == ids
    assert {pk for pk, created in changed if not created} == outs


def test_statuses_apply_in_a_fixed_number_of_statements(
    channel, outbound, django_assert_max_num_queries, settings
):
    settings.INBOUND_APPLY_PARTITIONS = 1  # everything in one batch
    for status in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ):
        accept(channel, [StatusUpdate("OUT1", status)])
        accept(channel, [StatusUpdate("OUT2", status)])
    for n in range(40):
        accept(channel, [StatusUpdate(f"NONE{n}", MessageStatus.DELIVERED)])
    # lock, claim, messages, history, orphans, the status UPDATE, mark applied (+ savepoints)
    with django_assert_max_num_queries(12):
        assert apply_pending() == 46
    assert OrphanStatus.objects.count() == 40
    assert set(Message.objects.filter(direction="outbound").values_list("status", flat=True)) == {
        MessageStatus.READ
    }


def test_a_customers_events_share_one_partition(channel, settings):
    """Partitions apply side by side; one customer's messages must never be split."""
    settings.INBOUND_APPLY_PARTITIONS = 4
    for n in range(6):
        accept(channel, [text(f"A{n}", sender=CUSTOMER)])
        accept(channel, [text(f"B{n}", sender=OTHER)])
    applied = [inbound_queue._apply_batch(part, 100) for part in range(4)]
    assert sorted(a for a in applied if a) in ([12], [6, 6])
    for sender in (CUSTOMER, OTHER):
        thread = Message.objects.filter(conversation__contact__identities__value=sender)
        assert thread.count() == 6


def test_a_batch_reads_its_channels_once_and_each_event_keeps_its_own(
    channel, sms, django_assert_max_num_queries, settings
):
    """The claim does not join the channel per row: the batch's channels are read once,
    and each event is still applied on the channel it arrived on."""
    settings.INBOUND_APPLY_PARTITIONS = 1
    for n in range(10):
        raw_row(channel, text(f"R{n}", sender=CUSTOMER))
        raw_row(sms, text(f"S{n}", sender=OTHER))
    rows = list(InboundEvent.objects.order_by("pk"))
    with django_assert_max_num_queries(1):
        inbound_queue._with_channels(rows)
    assert {row.channel.pk for row in rows} == {channel.pk, sms.pk}
    assert all(row.channel.pk == row.channel_id for row in rows)
    with django_assert_max_num_queries(0):
        assert {row.channel.workspace.pk for row in rows} == {channel.workspace_id}
    assert apply_pending() == 20
    assert set(
        Message.objects.filter(provider_message_id__startswith="R").values_list(
            "channel_id", flat=True
        )
    ) == {channel.pk}
    assert set(
        Message.objects.filter(provider_message_id__startswith="S").values_list(
            "channel_id", flat=True
        )
    ) == {sms.pk}
