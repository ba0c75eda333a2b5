"""Reads for the operators' pages: workspaces with their counts, and who may sign in."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from inbox.models import Channel, Membership, Message, Workspace


def month_start(now: datetime | None = None) -> datetime:
    """The first instant of the current calendar month, in UTC (operators span zones)."""
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _count(queryset: QuerySet) -> Coalesce:
    # A subquery per figure: joining members, channels and messages at once would
    # multiply the rows and the counts with them.
    counted = queryset.values("workspace").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def workspaces_with_counts(now: datetime | None = None) -> QuerySet[Workspace]:
    """Every workspace, newest first, with active members, channels and the messages
    (both directions) created since the start of this month."""
    return Workspace.objects.annotate(
        member_count=_count(Membership.objects.filter(workspace=OuterRef("pk"), is_active=True)),
        channel_count=_count(Channel.objects.filter(workspace=OuterRef("pk"))),
        messages_this_month=_count(
            Message.objects.filter(workspace=OuterRef("pk"), created_at__gte=month_start(now))
        ),
    ).order_by("-created_at", "-pk")


def is_suspended_everywhere(user) -> bool:
    """A member whose every workspace is suspended: such a user may not sign in.

    Staff (the operators) and users in at least one running workspace may; so may a user
    with no membership at all, who is then told they have no workspace.
    """
    if user.is_staff:
        return False
    active = Membership.objects.filter(user=user, is_active=True)
    return active.exists() and not active.filter(workspace__suspended_at__isnull=True).exists()
