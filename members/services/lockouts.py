"""Sign-ins django-axes is refusing right now, for the accounts of one workspace.

Axes records attempts per (username, address), not per workspace; an admin may only see
the rows of their own members' usernames, never who else is being guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.utils import timezone

from inbox.models import Membership, Workspace


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime
    locked_until: datetime | None  # None: until an operator resets it (no cool-off set)


def locked_out(workspace: Workspace) -> list[Lockout]:
    """Locked (username, address) pairs of this workspace's members, newest first."""
    usernames = Membership.objects.filter(workspace=workspace).values("user__username")
    limit = get_failure_limit(None, None)
    cool_off = get_cool_off(None)
    attempts = AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=limit
    ).order_by("-attempt_time")
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gt=timezone.now() - cool_off)
    return [
        Lockout(
            username=a.username,
            ip_address=a.ip_address,
            failures=a.failures_since_start,
            last_attempt=a.attempt_time,
            locked_until=a.attempt_time + cool_off if cool_off is not None else None,
        )
        for a in attempts
    ]
