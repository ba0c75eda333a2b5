"""A running campaign expands into messages, one committed chunk at a time.

Each chunk is one transaction holding the campaign's row lock: it re-reads the status
and the cursor (contacts are walked in id order), judges the next CAMPAIGN_CHUNK_SIZE
contacts, writes each verdict as a CampaignRecipient row and, for those not excluded,
the message through `send_message` (the outbox's own way in), then moves the cursor. A
worker that dies mid-chunk rolls the whole chunk back and the next run redoes it; two
runs at once take turns on the lock and the second starts where the first stopped; a
contact already judged (a rerun from an earlier cursor) is skipped, read once per chunk;
and whatever gets past all that meets the unique (campaign, contact): the row insert
fails and the whole chunk rolls back (no savepoint per recipient), so no message is
written twice.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inbox import jobs
from inbox.models import Author, Campaign, CampaignRecipient, CampaignStatus, ExclusionReason
from inbox.selectors.campaigns import AudienceInvalid, audience_contacts
from inbox.services.errors import SendRejected
from inbox.services.new_conversation import customer_thread
from inbox.services.sending import send_message
from inbox.services.workspaces import is_suspended

from .progress import progress_changed
from .recipients import Judge, Verdict
from .tracked_links import track_content
from .window import hold_until

MORE, DONE, STOPPED, HELD = "more", "done", "stopped", "held"


def expand_chunk(campaign_id: int) -> str:
    """Expand the next chunk of a running campaign: MORE, DONE, STOPPED (not running)
    or HELD (its workspace is suspended: nothing is judged until the resume)."""
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
            list(audience.filter(pk__gt=campaign.cursor)[: settings.CAMPAIGN_CHUNK_SIZE])
            if audience is not None
            else []
        )
        if not contacts:
            campaign.status = CampaignStatus.COMPLETED
            campaign.finished_at = campaign.progressed_at = now
            campaign.save(update_fields=["status", "finished_at", "progressed_at"])
            progress_changed(campaign.pk)
            return DONE
        judged = set(
            CampaignRecipient.objects.filter(
                campaign=campaign, contact_id__in=[c.pk for c in contacts]
            ).values_list("contact_id", flat=True)
        )
        fresh = [c for c in contacts if c.pk not in judged]  # judged before: never twice
        for verdict in Judge(campaign).verdicts(fresh):
            _write(campaign, verdict, now=now)
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
    while True:
        outcome = expand_chunk(campaign_id)
        if outcome != MORE:
            return outcome
        if time.monotonic() >= deadline:
            jobs.enqueue(jobs.EXPAND_CAMPAIGN, campaign_id)
            return MORE


def _write(campaign: Campaign, verdict: Verdict, *, now) -> None:
    row = CampaignRecipient.objects.create(
        campaign=campaign,
        contact=verdict.contact,
        excluded=verdict.excluded,
        detail=verdict.detail[:300],
        arm=verdict.arm,
    )
    if verdict.excluded:
        return
    try:
        with transaction.atomic():
            conversation = customer_thread(
                campaign.workspace, verdict.contact, campaign.channel, None, team=campaign.team
            )
            message = send_message(
                conversation,
                track_content(row, verdict.content),  # the text version's links via /r/
                author=Author.BOT,
                channel=verdict.channel or campaign.channel,  # the control arm: its SMS
                campaign=campaign,
                # Outside the recipient's local window: written now, held until it opens.
                not_before=hold_until(
                    verdict.phone,
                    start=campaign.window_start,
                    end=campaign.window_end,
                    now=now,
                    default_zone=campaign.workspace.timezone,
                ),
            )
    except SendRejected as exc:  # one recipient the channel refuses never stops the rest
        row.excluded = ExclusionReason.REJECTED
        row.detail = "; ".join(exc.errors)[:300]
        row.save(update_fields=["excluded", "detail"])
        return
    row.message = message
    row.save(update_fields=["message"])


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
