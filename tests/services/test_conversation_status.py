"""Status changes and the snooze that ends by itself."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inbox import signals
from inbox.models import Author, ConversationStatus, Direction, Message
from inbox.services.conversation_status import change_status, wake_snoozed
from inbox.tasks import wake_snoozed_conversations

from .customer_threads import Captured, customer_writes


@pytest.fixture
def conversation(channel):
    return customer_writes(channel, "+14155550112").conversation


@pytest.fixture
def changed():
    captured = Captured()
    signals.conversation_status_changed.connect(captured)
    yield captured
    signals.conversation_status_changed.disconnect(captured)


def system_notes(conversation):
    return list(
        Message.objects.filter(
            conversation=conversation, direction=Direction.INTERNAL, author=Author.SYSTEM
        )
        # Message has no default order, and notes written in one test share a timestamp
        # often enough to come back in any order without the id as tie-break.
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
    )


def test_resolve_records_time_note_and_signal(
    conversation, agent, changed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_status(conversation, ConversationStatus.RESOLVED, actor=agent)
    conversation.refresh_from_db()
    assert conversation.status == "resolved" and conversation.resolved_at is not None
    assert system_notes(conversation) == ["Resolved by alice."]
    assert changed[0]["previous_status"] == "open" and changed[0]["actor"] == agent


def test_snooze_needs_a_future_time(conversation, agent):
    with pytest.raises(ValidationError):
        change_status(conversation, ConversationStatus.SNOOZED, actor=agent)
    with pytest.raises(ValidationError):
        change_status(
            conversation,
            ConversationStatus.SNOOZED,
            actor=agent,
            snoozed_until=timezone.now() - timedelta(minutes=1),
        )
    with pytest.raises(ValidationError):
        change_status(conversation, "archived", actor=agent)
    conversation.refresh_from_db()
    assert conversation.status == "open" and system_notes(conversation) == []


def test_snooze_ends_by_beat_task(conversation, agent, changed, django_capture_on_commit_callbacks):
    until = timezone.now() + timedelta(hours=1)
    change_status(conversation, ConversationStatus.SNOOZED, actor=agent, snoozed_until=until)
    conversation.refresh_from_db()
    assert conversation.status == "snoozed" and conversation.snoozed_until == until
    assert wake_snoozed(now=until - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert wake_snoozed(now=until + timedelta(seconds=1)) == 1
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.snoozed_until is None
    assert system_notes(conversation)[-1] == "Snooze ended: reopened."
    assert changed[-1]["previous_status"] == "snoozed" and changed[-1]["actor"] is None
    assert wake_snoozed(now=until + timedelta(seconds=2)) == 0  # once only


def test_the_task_wakes_what_is_due(conversation, agent):
    change_status(
        conversation,
        ConversationStatus.SNOOZED,
        actor=agent,
        snoozed_until=timezone.now() + timedelta(seconds=30),
    )
    type(conversation).objects.filter(pk=conversation.pk).update(
        snoozed_until=timezone.now() - timedelta(seconds=1)
    )
    assert wake_snoozed_conversations() == 1
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_customer_writing_reopens_a_snoozed_thread(conversation, channel, agent):
    change_status(
        conversation,
        ConversationStatus.SNOOZED,
        actor=agent,
        snoozed_until=timezone.now() + timedelta(days=1),
    )
    customer_writes(channel, "+14155550112", "any news?")
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.snoozed_until is None
