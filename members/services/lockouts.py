"""Sign-ins django-axes is refusing right now: per account, and for one workspace's members.

Axes locks a username once its failures from every address together reach the limit
(settings.AXES_LOCKOUT_PARAMETERS), but it keeps one row per (username, address, browser).
These functions add the rows up the way axes does, so the lockout page and the Security
page say the same thing axes enforces. An admin only sees their own members' usernames,
never who else is being guessed at.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.utils import timezone

from inbox.models import Membership, Workspace


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None  # the address of the latest failure
    failures: int
    last_attempt: datetime
    locked_until: datetime | None  # None: until an operator resets it (no cool-off set)


def _live_attempts(usernames) -> tuple[list[AccessAttempt], timedelta | None]:
    """Attempts axes still counts: those within the cool-off (all of them without one)."""
    cool_off = get_cool_off(None)
    attempts = AccessAttempt.objects.filter(username__in=usernames).order_by("attempt_time")
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return list(attempts), cool_off


def _lockout(username: str, rows: list[AccessAttempt], cool_off, limit: int) -> Lockout | None:
    """The lock these rows (oldest first) add up to, with the moment it lifts."""
    total = sum(row.failures_since_start for row in rows)
    if total < limit:
        return None
    locked_until = None
    if cool_off is not None:
        # Each row stops counting one cool-off after its last failure; the lock lifts as
        # soon as what is left falls under the limit.
        remaining = total
        for row in rows:
            remaining -= row.failures_since_start
            if remaining < limit:
                locked_until = row.attempt_time + cool_off
                break
    latest = rows[-1]
    return Lockout(
        username=username,
        ip_address=latest.ip_address,
        failures=total,
        last_attempt=latest.attempt_time,
        locked_until=locked_until,
    )


def lockout_for(username: str) -> Lockout | None:
    """This username's lock, if axes refuses it now (for the locked-out page)."""
    rows, cool_off = _live_attempts([username])
    return _lockout(username, rows, cool_off, get_failure_limit(None, None))


def locked_out(workspace: Workspace) -> list[Lockout]:
    """Locked accounts of this workspace's members, the most recently tried first."""
    usernames = Membership.objects.filter(workspace=workspace).values("user__username")
    rows, cool_off = _live_attempts(usernames)
    by_username: dict[str, list[AccessAttempt]] = defaultdict(list)
    for row in rows:
        by_username[row.username].append(row)
    limit = get_failure_limit(None, None)
    locks = [_lockout(name, group, cool_off, limit) for name, group in by_username.items()]
    return sorted(
        (lock for lock in locks if lock is not None),
        key=lambda lock: lock.last_attempt,
        reverse=True,
    )
