"""insert_columns writes the rows bulk_create would, in one statement, without an instance
a row; a field whose default differs per row must be given."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from inbox.models import Conversation, Message, MessageStatus, MessageStatusEvent
from inbox.services.contact_book import upsert_contact
from inbox.services.row_inserts import insert_columns, insert_objects

from .outbox.test_drain import conversations, queue

pytestmark = pytest.mark.django_db
CONTENT = {"type": "text", "text": "x"}


def _row(obj, *skip) -> dict:
    return {k: v for k, v in model_to_dict(obj).items() if k not in ("id", *skip)}


def test_history_entries_match_bulk_create_in_one_statement(
    channel, adapter, django_assert_num_queries
):
    messages = queue(conversations(channel, 30))
    MessageStatusEvent.objects.all().delete()
    expected = MessageStatusEvent(
        message=messages[0], status=MessageStatus.SENDING, at=messages[0].queued_at, source="x"
    )
    expected.save()
    with django_assert_num_queries(1):
        insert_columns(
            MessageStatusEvent,
            {"message_id": [m.pk for m in messages], "at": [m.queued_at for m in messages]},
            fixed={"status": MessageStatus.SENDING, "source": "x"},
        )
    first = MessageStatusEvent.objects.filter(message=messages[0]).exclude(pk=expected.pk).get()
    assert _row(first) == _row(expected)  # error fields "", applied True, raw {}
    assert MessageStatusEvent.objects.filter(source="x").count() == 31


def test_threads_match_bulk_create_and_skip_a_conflict(workspace, channel, adapter):
    contacts = [
        upsert_contact(workspace, phone=f"+1415777{n:04d}", name=f"C{n}", source="api")[0]
        for n in range(3)
    ]
    made = Conversation.objects.create(workspace=workspace, contact=contacts[0], channel=channel)
    insert_columns(
        Conversation,
        {"contact_id": [c.pk for c in contacts]},
        fixed={"workspace": workspace, "channel": channel, "team": None},
        ignore_conflicts=True,  # contacts[0] already has its thread
    )
    threads = {t.contact_id: t for t in Conversation.objects.filter(contact__in=contacts)}
    assert len(threads) == 3 and threads[contacts[0].pk].pk == made.pk
    new = threads[contacts[1].pk]
    assert _row(new, "contact", "created_at") == _row(made, "contact", "created_at")
    assert new.status == "open" and new.created_at >= made.created_at


def test_a_per_row_default_must_be_given(channel, adapter):
    (conversation,) = conversations(channel, 1)
    with pytest.raises(ValueError, match="Message.id"):
        insert_columns(
            Message,
            {"text": ["hi"]},
            fixed={"conversation": conversation, "workspace_id": conversation.workspace_id},
        )


def test_objects_are_inserted_and_marked_saved(channel, adapter, django_assert_num_queries):
    from django.utils import timezone

    from inbox.services.outbox.rows import new_message

    convs = conversations(channel, 3)
    now = timezone.now()
    made = [
        new_message(c, channel, content=CONTENT, text="x", author="bot", now=now) for c in convs
    ]
    with django_assert_num_queries(1):
        insert_objects(Message, made)
    assert all(not m._state.adding for m in made)
    stored = Message.objects.get(pk=made[0].pk)
    assert (stored.content, stored.text, stored.status) == (CONTENT, "x", "queued")


def test_a_value_too_long_is_refused_not_cut(channel, adapter):
    from django.db import DataError, transaction

    (message,) = queue(conversations(channel, 1))
    with pytest.raises(DataError), transaction.atomic():
        insert_columns(
            MessageStatusEvent,
            {"message_id": [message.pk], "error_message": ["x" * 301]},
            fixed={"status": MessageStatus.FAILED, "at": message.queued_at, "source": "x"},
        )
