"""A running campaign expands into messages, one committed chunk at a time.

Each chunk is one transaction holding the campaign's row lock: it re-reads the status
and the cursor (contacts are walked in id order), judges the next CAMPAIGN_CHUNK_SIZE
contacts, writes the verdicts as sets (bulk_write.py: the recipients' threads, their
messages through send_message's own checks and rows, the CampaignRecipient rows and
the tracked links, each in one statement for the whole chunk), then moves the cursor.
A worker that dies mid-chunk rolls the whole chunk back and the next run redoes it; two
runs at once take turns on the lock and the second starts where the first stopped; a
contact already judged (a rerun from an earlier cursor) is skipped, read once per chunk;
and whatever gets past all that meets the unique (campaign, contact): the rows' insert
fails and the whole chunk rolls back, so no message is written twice. A recipient the
channel refuses is an excluded row with the reason; the rest of the chunk still goes.

A run's first chunk is CAMPAIGN_CHUNK_SIZE contacts, so the first sends leave a moment
after the launch; each next one is twice the last, up to CAMPAIGN_CHUNK_MAX_SIZE. A
chunk costs about twenty statements whatever its size, each a round trip and, in a
worker whose drain threads are sending, a wait to get the GIL back: fewer of them per
recipient. A bigger chunk holds its threads' row locks longer (an agent's reply to one
of them waits for the commit) and a killed worker redoes more of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox import jobs
from inbox.models import Campaign, CampaignRecipient, CampaignStatus
from inbox.selectors.campaigns import AudienceInvalid, audience_contacts
from inbox.services.workspaces import is_suspended

from .bulk_write import write_chunk
from .progress import progress_changed
from .recipients import Judge

MORE, DONE, STOPPED, HELD = "more", "done", "stopped", "held"


def expand_chunk(campaign_id: int, *, size: int | None = None) -> str:
    """Expand the next chunk (`size` contacts, else CAMPAIGN_CHUNK_SIZE) of a running
    campaign: MORE, DONE, STOPPED (not running) or HELD (its workspace is suspended:
    nothing is judged until the resume)."""
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(of=("self",))
            .select_related("workspace", "channel", "template", "team")
            .filter(pk=campaign_id)
            .first()
        )
        if campaign is None or campaign.status != CampaignStatus.RUNNING:
            return STOPPED
        if is_suspended(campaign.workspace_id):
            return HELD
        now = timezone.now()
        try:
            audience = audience_contacts(workspace=campaign.workspace, audience=campaign.audience)
        except AudienceInvalid:
            audience = None  # the segment or label went away: nobody more to add
        contacts = (
            list(audience.filter(pk__gt=campaign.cursor)[: size or settings.CAMPAIGN_CHUNK_SIZE])
            if audience is not None
            else []
        )
        if not contacts:
            campaign.status = CampaignStatus.COMPLETED
            campaign.finished_at = campaign.progressed_at = now
            campaign.save(update_fields=["status", "finished_at", "progressed_at"])
            progress_changed(campaign.pk)
            return DONE
        # The id range as well as the list: the unique (campaign, contact) index then
        # reads the chunk's span only. With the list alone, while the new campaign's
        # rows are unknown to the planner's statistics, it read every row the campaign
        # had so far (each chunk slower than the last).
        judged = set(
            CampaignRecipient.objects.filter(
                campaign=campaign,
                contact_id__gte=contacts[0].pk,
                contact_id__lte=contacts[-1].pk,
                contact_id__in=[c.pk for c in contacts],
            ).values_list("contact_id", flat=True)
        )
        fresh = [c for c in contacts if c.pk not in judged]  # judged before: never twice
        write_chunk(campaign, Judge(campaign).verdicts(fresh), now=now)
        campaign.cursor = contacts[-1].pk
        campaign.progressed_at = now
        campaign.save(update_fields=["cursor", "progressed_at"])
        progress_changed(campaign.pk)  # exclusions too move the counts
    return MORE


def run_expansion(campaign_id: int, *, budget_seconds: float | None = None) -> str:
    """Chunks until the campaign is done or stopped, or the time budget is spent, when
    the work is requested again (a task does not hold a worker for a million rows)."""
    budget = settings.CAMPAIGN_RUN_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    for size in chunk_sizes():
        outcome = expand_chunk(campaign_id, size=size)
        if outcome != MORE:
            return outcome
        if time.monotonic() >= deadline:
            jobs.enqueue(jobs.EXPAND_CAMPAIGN, campaign_id)
            return MORE
    raise AssertionError("chunk_sizes() never ends")


def chunk_sizes() -> Iterator[int]:
    """A run's chunk sizes: CAMPAIGN_CHUNK_SIZE, then doubling up to CAMPAIGN_CHUNK_MAX_SIZE
    (never below the first), then that size for ever."""
    size = settings.CAMPAIGN_CHUNK_SIZE
    largest = max(size, settings.CAMPAIGN_CHUNK_MAX_SIZE)
    while True:
        yield size
        size = min(size * 2, largest)


def sweep_campaigns(now=None) -> dict[str, int]:
    """Beat: start scheduled campaigns whose time came, and re-request running ones
    whose expansion went quiet (a lost task or a dead worker)."""
    now = now or timezone.now()
    due = list(
        Campaign.objects.filter(status=CampaignStatus.SCHEDULED, send_at__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    started = Campaign.objects.filter(pk__in=due, status=CampaignStatus.SCHEDULED).update(
        status=CampaignStatus.RUNNING, launched_at=now, progressed_at=now
    )
    stale = now - timedelta(seconds=settings.CAMPAIGN_STALE_SECONDS)
    quiet = list(
        Campaign.objects.filter(status=CampaignStatus.RUNNING, progressed_at__lt=stale).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in {*due, *quiet}:
        jobs.enqueue(jobs.EXPAND_CAMPAIGN, pk)
    return {"started": started, "resumed": len(quiet)}
