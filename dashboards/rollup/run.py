"""Which days to recompute, and recomputing them safely alongside another run."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from dashboards.models import ConversationStatusEvent, RollupState
from inbox.models import Conversation, Message, Workspace

from . import counters, dirty, samples
from .hours import WorkClock, clock_for

log = logging.getLogger(__name__)

_NEW_STATUS_EVENTS = """
SELECT DISTINCT (m.created_at AT TIME ZONE 'UTC')::date
FROM inbox_messagestatusevent e JOIN inbox_message m ON m.id = e.message_id
WHERE e.id > %(wm)s AND e.id <= %(top)s AND m.workspace_id = %(ws)s
"""


def _lock_key(workspace_id: int, day: dt.date) -> int:
    return (workspace_id << 20) ^ day.toordinal()


def recompute_day(workspace_id: int, day: dt.date, clock: WorkClock, units=None) -> None:
    """Replace one UTC day's roll-up in one transaction; two runs on the same day queue
    behind an advisory lock instead of interleaving their deletes and inserts."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(workspace_id, day)])
        counters.recompute(workspace_id, day, units, clock.tz)
        samples.recompute_responses(workspace_id, day, clock)
        samples.record_resolutions(workspace_id, day, clock)


def _history_days(workspace: Workspace, until: dt.date) -> set[dt.date]:
    first = Message.objects.filter(workspace=workspace).order_by("created_at").first()
    first_resolved = (
        Conversation.objects.filter(workspace=workspace, resolved_at__isnull=False)
        .order_by("resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    first_event = (
        ConversationStatusEvent.objects.filter(workspace=workspace, status="resolved")
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    starts = [
        dirty.utc_day(x) for x in (first and first.created_at, first_resolved, first_event) if x
    ]
    if not starts:
        return set()
    day, days = min(starts), set()
    while day <= until:
        days.add(day)
        day += dt.timedelta(days=1)
    return days


def _recheck_later_stretches(workspace_id: int, days: set[dt.date], today: dt.date) -> None:
    """A message of an older day changed (stored late with an older timestamp): a
    resolution of a later day whose stretch covers it may now have, or no longer have, an
    agent's reply in it. Recomputing a day answers that for its own resolutions only, so
    the later ones are asked again (the oldest such day on, stretches begun by the newest).
    """
    older = sorted(d for d in days if d < today - dt.timedelta(days=1))
    if not older:
        return
    after_oldest = dt.datetime.combine(older[0] + dt.timedelta(days=1), dt.time(0), dt.UTC)
    after_newest = dt.datetime.combine(older[-1] + dt.timedelta(days=1), dt.time(0), dt.UTC)
    samples.mark_agent_replies(
        workspace_id, resolved_from=after_oldest, started_before=after_newest
    )


def run_workspace(workspace: Workspace, now: dt.datetime | None = None) -> list[dt.date]:
    now = now or timezone.now()
    today = dirty.utc_day(now)
    state, created = RollupState.objects.get_or_create(workspace=workspace)
    clock = clock_for(workspace)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM inbox_messagestatusevent")
        top = cursor.fetchone()[0]
        days = {today, today - dt.timedelta(days=1)} | dirty.take(workspace.pk)
        full = created or state.last_run_at is None or state.bucket_tz != clock.tz
        if full:
            # First pass, or the zone changed: every counter is in the wrong local hours.
            days |= _history_days(workspace, today)
        else:
            cursor.execute(
                _NEW_STATUS_EVENTS,
                {"wm": state.status_event_watermark, "top": top, "ws": workspace.pk},
            )
            days |= {row[0] for row in cursor.fetchall()}
    if state.hours_fingerprint and state.hours_fingerprint != clock.fingerprint:
        samples.remeasure(workspace.pk, clock)
    units = counters._Units()
    for day in sorted(days):
        recompute_day(workspace.pk, day, clock, units)
    if not full:
        _recheck_later_stretches(workspace.pk, days, today)
    state.status_event_watermark = top
    state.hours_fingerprint = clock.fingerprint
    state.bucket_tz = clock.tz
    state.last_run_at = now
    state.save()
    return sorted(days)


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """One roll-up pass over every workspace (the periodic task)."""
    done = {}
    for workspace in Workspace.objects.order_by("pk"):
        done[workspace.slug] = len(run_workspace(workspace, now))
    return done


def rebuild(workspace: Workspace) -> int:
    """Forget the workspace's roll-up state and recompute its whole history."""
    RollupState.objects.filter(workspace=workspace).delete()
    return len(run_workspace(workspace))
