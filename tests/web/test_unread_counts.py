"""Each row's unread count: customer messages after the reader's marker, every one of them
without a marker, never the agent's own; one query for the page however long the
threads (the count reads each thread's index from the marker on)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbox.models import Direction, Message, ReadMarker
from inbox.services import unread_counts

from .fakes import inbound

pytestmark = pytest.mark.django_db


def _age(conversation, *, hours: int) -> None:
    """Move the conversation's messages so far into the past."""
    Message.objects.filter(conversation=conversation).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_counts_inbound_after_the_marker_all_without_one(agent, channel):
    read = inbound(channel, "+15557770001", "old").conversation
    _age(read, hours=3)
    ReadMarker.objects.create(
        conversation=read, user=agent, read_at=timezone.now() - timedelta(hours=2)
    )
    inbound(channel, "+15557770001", "new one")
    inbound(channel, "+15557770001", "new two")
    never_read = inbound(channel, "+15557770002", "first").conversation
    inbound(channel, "+15557770002", "second")
    Message.objects.create(  # the agent's reply is never unread
        workspace=never_read.workspace,
        conversation=never_read,
        channel=channel,
        direction=Direction.OUTBOUND,
        author="agent",
        author_user=agent,
        content={"type": "text", "text": "hi"},
        text="hi",
        status="sent",
    )
    caught_up = inbound(channel, "+15557770003", "seen").conversation
    ReadMarker.objects.create(conversation=caught_up, user=agent, read_at=timezone.now())

    with CaptureQueriesContext(connection) as queries:
        counts = unread_counts([read, never_read, caught_up], agent)

    assert counts == {read.pk: 2, never_read.pk: 2, caught_up.pk: 0}
    assert len(queries) == 1
