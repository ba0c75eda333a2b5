"""Duration samples: customer waits ended by an agent response, and resolutions.

Both follow metrics.responses; a response sample is dated by the response, a resolution
sample by resolved_at, so a day's samples depend only on history up to that day.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from dashboards.models import ResolutionSample, ResponseSample

from . import stream
from .hours import WorkClock

_RESPONSES = """
SELECT r.id, r.conversation_id, r.channel_id, c.team_id, r.author_user_id, r.created_at,
       w.waited_from, prev.at IS NULL
FROM inbox_message r
JOIN inbox_conversation c ON c.id = r.conversation_id
LEFT JOIN LATERAL (
    SELECT max(p.created_at) AS at FROM inbox_message p
    WHERE p.conversation_id = r.conversation_id AND p.direction = 'outbound'
      AND p.author = 'agent' AND p.created_at < r.created_at
) prev ON true
JOIN LATERAL (
    SELECT min(i.created_at) AS waited_from FROM inbox_message i
    WHERE i.conversation_id = r.conversation_id AND i.direction = 'inbound'
      AND i.author = 'contact' AND i.created_at < r.created_at
      AND (prev.at IS NULL OR i.created_at > prev.at)
) w ON w.waited_from IS NOT NULL
WHERE r.workspace_id = %(ws)s AND r.direction = 'outbound' AND r.author = 'agent'
  AND r.created_at >= %(start)s AND r.created_at < %(end)s
"""

# Every resolution of the day: the recorded status events (each one, with who held the
# conversation then) and the conversation's current resolved_at (history from before
# events were recorded, or written by something that sent no signal). The two meet on the
# same instant for one resolution (events.record_status_change dates it by resolved_at).
_RESOLUTIONS = """
WITH day_resolutions AS (
    SELECT DISTINCT ON (conversation_id, at) conversation_id, at, channel_id, team_id, agent_id
    FROM (
        SELECT e.conversation_id, e.at, e.channel_id, e.team_id, e.agent_id, 0 AS pref
        FROM dashboards_conversationstatusevent e
        WHERE e.workspace_id = %(ws)s AND e.status = 'resolved'
          AND e.at >= %(start)s AND e.at < %(end)s
        UNION ALL
        SELECT c.id, c.resolved_at, c.channel_id, c.team_id, c.assignee_id, 1
        FROM inbox_conversation c
        WHERE c.workspace_id = %(ws)s AND c.resolved_at >= %(start)s AND c.resolved_at < %(end)s
    ) both_sources
    ORDER BY conversation_id, at, pref
)
SELECT r.conversation_id, r.channel_id, r.team_id, r.agent_id, r.at, c.created_at,
       prev.at, first_msg.at
FROM day_resolutions r
JOIN inbox_conversation c ON c.id = r.conversation_id
LEFT JOIN LATERAL (
    SELECT max(x.at) AS at FROM (
        SELECT max(s.resolved_at) AS at FROM dashboards_resolutionsample s
        WHERE s.conversation_id = r.conversation_id AND s.resolved_at < r.at
        UNION ALL
        SELECT max(e.at) FROM dashboards_conversationstatusevent e
        WHERE e.conversation_id = r.conversation_id AND e.status = 'resolved' AND e.at < r.at
    ) x
) prev ON true
LEFT JOIN LATERAL (
    SELECT min(i.created_at) AS at FROM inbox_message i
    WHERE i.conversation_id = r.conversation_id AND i.direction = 'inbound'
      AND i.author = 'contact' AND i.created_at <= r.at
      AND (prev.at IS NULL OR i.created_at > prev.at)
) first_msg ON true
"""


# Whether an agent replied inside each stretch ("resolved with a person"), written only
# where the answer changed. The probe is index-only on migration 0005's partial index.
_AGENT_REPLIED = """
UPDATE dashboards_resolutionsample r SET agent_replied = NOT r.agent_replied
WHERE r.workspace_id = %(ws)s AND r.resolved_at >= %(resolved_from)s {stretch}
  AND r.agent_replied <> EXISTS (
    SELECT 1 FROM inbox_message m
    WHERE m.conversation_id = r.conversation_id AND m.direction = 'outbound'
      AND m.author = 'agent' AND m.created_at >= r.started_at AND m.created_at <= r.resolved_at
  )
"""


def _bounds(day: dt.date) -> dict:
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    return {"start": start, "end": start + dt.timedelta(days=1)}


def recompute_responses(workspace_id: int, day: dt.date, clock: WorkClock) -> int:
    """Replace the day's response samples (call inside a transaction: the rows are
    streamed, FETCH_ROWS at a time, from a server-side cursor)."""
    bounds = _bounds(day)
    ResponseSample.objects.filter(
        workspace_id=workspace_id, responded_at__gte=bounds["start"], responded_at__lt=bounds["end"]
    ).delete()
    written = 0
    for batch in stream.batches(stream.rows(_RESPONSES, {"ws": workspace_id, **bounds})):
        ResponseSample.objects.bulk_create(
            [
                ResponseSample(
                    workspace_id=workspace_id,
                    response_message_id=message_id,
                    conversation_id=conversation_id,
                    channel_id=channel_id,
                    team_id=team_id,
                    agent_id=agent_id,
                    waited_from=waited_from,
                    responded_at=responded_at,
                    seconds=(responded_at - waited_from).total_seconds(),
                    business_seconds=clock.seconds(waited_from, responded_at),
                    is_first=is_first,
                )
                for (
                    message_id,
                    conversation_id,
                    channel_id,
                    team_id,
                    agent_id,
                    responded_at,
                    waited_from,
                    is_first,
                ) in batch  # fmt: skip
            ]
        )
        written += len(batch)
    return written


def _resolution_sample(workspace_id: int, row: tuple, clock: WorkClock) -> ResolutionSample:
    conversation_id, channel_id, team_id, agent_id, resolved_at, created_at, prev, first = row
    # Resolved again with no customer message since the previous resolution: it is a
    # resolution, but the customer has not waited for anything; no duration.
    timed = not (first is None and prev is not None)
    started_at = (first or created_at) if timed else resolved_at
    return ResolutionSample(
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        channel_id=channel_id,
        team_id=team_id,
        agent_id=agent_id,
        started_at=started_at,
        resolved_at=resolved_at,
        seconds=max(0.0, (resolved_at - started_at).total_seconds()),
        business_seconds=clock.seconds(started_at, resolved_at),
        timed=timed,
    )


def record_resolutions(workspace_id: int, day: dt.date, clock: WorkClock) -> int:
    """Upsert a sample for each resolution on `day` (see _RESOLUTIONS), then whether an
    agent replied in each one's stretch (call inside a transaction: streamed as above).

    Samples are upserted, never deleted: a resolution from before the status events were
    recorded is kept even after the conversation reopened and its resolved_at was cleared.
    """
    bounds = _bounds(day)
    written = 0
    # The cursor reads the samples table too (a resolution's previous one); a PostgreSQL
    # cursor sees the rows as they were when it opened, not the batches upserted since.
    rows = stream.rows(_RESOLUTIONS, {"ws": workspace_id, **bounds})
    for batch in stream.batches(rows):
        ResolutionSample.objects.bulk_create(
            [_resolution_sample(workspace_id, row, clock) for row in batch],
            update_conflicts=True,
            unique_fields=["conversation_id", "resolved_at"],
            update_fields=[
                "channel_id",
                "team_id",
                "agent_id",
                "started_at",
                "seconds",
                "business_seconds",
                "timed",
            ],
        )
        written += len(batch)
    mark_agent_replies(workspace_id, resolved_from=bounds["start"], resolved_before=bounds["end"])
    return written


def mark_agent_replies(
    workspace_id: int,
    *,
    resolved_from: dt.datetime,
    resolved_before: dt.datetime | None = None,
    started_before: dt.datetime | None = None,
) -> int:
    """Set agent_replied on the samples resolved from `resolved_from` (and before
    `resolved_before`, and whose stretch started before `started_before`) to what the
    messages say now; returns how many changed."""
    stretch = ""
    params: dict = {"ws": workspace_id, "resolved_from": resolved_from}
    if resolved_before is not None:
        stretch += " AND r.resolved_at < %(resolved_before)s"
        params["resolved_before"] = resolved_before
    if started_before is not None:
        stretch += " AND r.started_at < %(started_before)s"
        params["started_before"] = started_before
    with connection.cursor() as cursor:
        cursor.execute(_AGENT_REPLIED.format(stretch=stretch), params)
        return cursor.rowcount


def remeasure(workspace_id: int, clock: WorkClock) -> None:
    """Business hours or holidays changed: measure every stored sample again."""
    for model, start_field, end_field in (
        (ResponseSample, "waited_from", "responded_at"),
        (ResolutionSample, "started_at", "resolved_at"),
    ):
        batch = []
        for sample in (
            model.objects.filter(workspace_id=workspace_id)
            .only("pk", start_field, end_field)
            .iterator(chunk_size=5000)
        ):
            sample.business_seconds = clock.seconds(
                getattr(sample, start_field), getattr(sample, end_field)
            )
            batch.append(sample)
            if len(batch) >= 5000:
                model.objects.bulk_update(batch, ["business_seconds"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["business_seconds"])
