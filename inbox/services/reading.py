from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from inbox import jobs
from inbox.models import Conversation, Direction, Message, ReadMarker

# No marker: every inbound message is unread.
_BEFORE_ANY_MESSAGE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def mark_read(conversation: Conversation, user) -> None:
    """The agent has seen the thread; the provider hears it for channels with receipts.

    Only news is reported: reopening a thread whose latest customer message was already
    read sends nothing (the receipt is per message, not per page view).
    """
    now = timezone.now()
    previous = (
        ReadMarker.objects.filter(conversation=conversation, user=user)
        .values_list("read_at", flat=True)
        .first()
    )
    ReadMarker.objects.update_or_create(
        conversation=conversation, user=user, defaults={"read_at": now}
    )
    latest_inbound = (
        Message.objects.filter(conversation=conversation, direction=Direction.INBOUND)
        .select_related("channel")
        .order_by("-created_at")
        .first()
    )
    if latest_inbound is None or (previous and previous >= latest_inbound.created_at):
        return
    channel = latest_inbound.channel
    if channel.adapter.capabilities(channel).read_receipts:
        jobs.enqueue_on_commit(jobs.SEND_READ_RECEIPT, str(latest_inbound.pk))


def unread_counts(conversations, user) -> dict[int, int]:
    """Inbound messages after the user's read marker, per conversation, in one query.

    Each count is a range of the thread index from the marker on (a subquery per row),
    not a join of the conversations' whole threads filtered afterwards: a read
    conversation costs what arrived since, however long its history
    (bench/history_growth.py)."""
    marker = ReadMarker.objects.filter(conversation=OuterRef("pk"), user=user).values("read_at")[:1]
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            direction=Direction.INBOUND,
            created_at__gt=OuterRef("since"),
        )
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Conversation.objects.filter(pk__in=[c.pk for c in conversations])
        .annotate(since=Coalesce(Subquery(marker), Value(_BEFORE_ANY_MESSAGE)))
        .annotate(unread=Coalesce(Subquery(unread), 0))
        .values_list("pk", "unread")
    )
    return dict(rows)
