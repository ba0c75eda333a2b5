"""Launch, pause, resume and cancel: status moves under the campaign's row lock, so
they wait for a chunk in progress and the next chunk sees them.

A second launch of a running or finished campaign changes nothing (it answers the
campaign as it is); cancelling withdraws the campaign's messages still waiting in the
outbox, through the outbox's own claim rules (`withdraw_queued`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox import jobs
from inbox.models import Campaign, CampaignRecipient, CampaignStatus
from inbox.services.audit import record
from inbox.services.outbox.claim import withdraw_queued

from .plan import CampaignRejected, carriage_problems
from .progress import progress_changed

CANCELLED_REASON = gettext_lazy("campaign cancelled")
WITHDRAW_BATCH = 1000


class CampaignConflict(ValueError):
    """The campaign's status does not allow this move (e.g. resuming a completed one)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def launch_campaign(*, campaign: Campaign, actor) -> Campaign:
    """Start now, or at `send_at` when that is still ahead (scheduled)."""
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.COMPLETED):
            return campaign  # launched already: at most one message per recipient, ever
        if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
            raise CampaignConflict(
                [
                    _("status: a %(status)s campaign cannot be launched")
                    % {"status": campaign.status}
                ]
            )
        errors = carriage_problems(template=campaign.template, channel=campaign.channel)
        if errors:
            raise CampaignRejected(errors)
        _start(campaign, actor, "campaign.launched")
    return campaign


def pause_campaign(*, campaign: Campaign, actor) -> Campaign:
    return _move(
        campaign,
        actor,
        "campaign.paused",
        CampaignStatus.PAUSED,
        allowed=(CampaignStatus.RUNNING, CampaignStatus.SCHEDULED),
    )


def resume_campaign(*, campaign: Campaign, actor) -> Campaign:
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status != CampaignStatus.PAUSED:
            raise CampaignConflict([_("status: only a paused campaign can be resumed")])
        _start(campaign, actor, "campaign.resumed")
    return campaign


def cancel_campaign(*, campaign: Campaign, actor) -> Campaign:
    """Stop for good: nothing more expands, and queued messages not yet claimed fail
    with "campaign cancelled" (those already with the provider go on)."""
    campaign = _move(
        campaign,
        actor,
        "campaign.cancelled",
        CampaignStatus.CANCELLED,
        allowed=(
            CampaignStatus.DRAFT,
            CampaignStatus.SCHEDULED,
            CampaignStatus.RUNNING,
            CampaignStatus.PAUSED,
        ),
    )
    withdraw_unsent(campaign)
    return campaign


def withdraw_unsent(campaign: Campaign) -> int:
    """Fail the campaign's still-queued messages, a batch per transaction."""
    withdrawn, after = 0, 0
    while True:
        batch = list(
            CampaignRecipient.objects.filter(campaign=campaign, message__isnull=False, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "message_id")[:WITHDRAW_BATCH]
        )
        if not batch:
            return withdrawn
        after = batch[-1][0]
        withdrawn += withdraw_queued(
            [message_id for _pk, message_id in batch], reason=CANCELLED_REASON, source="campaign"
        )


def _start(campaign: Campaign, actor, action: str) -> None:
    """Running from now (its expansion requested after commit), or scheduled while a
    campaign never launched still has its `send_at` ahead. The caller holds the row."""
    now = timezone.now()
    if campaign.launched_at is None and campaign.send_at and campaign.send_at > now:
        campaign.status = CampaignStatus.SCHEDULED
    else:
        campaign.status = CampaignStatus.RUNNING
        campaign.launched_at = campaign.launched_at or now
        campaign.progressed_at = now
        jobs.enqueue_on_commit(jobs.EXPAND_CAMPAIGN, campaign.pk)
    campaign.save(update_fields=["status", "launched_at", "progressed_at"])
    progress_changed(campaign.pk)
    record(
        campaign.workspace,
        actor,
        action,
        campaign,
        after={"status": campaign.status},
        target_label=campaign.name,
    )


def _move(campaign: Campaign, actor, action: str, status: str, *, allowed) -> Campaign:
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status == status:
            return campaign
        if campaign.status not in allowed:
            raise CampaignConflict(
                [
                    _("status: a %(status)s campaign cannot be %(move)s")
                    % {"status": campaign.status, "move": status}
                ]
            )
        before = campaign.status
        campaign.status = status
        fields = ["status"]
        if status == CampaignStatus.CANCELLED:
            campaign.finished_at = timezone.now()
            fields.append("finished_at")
        campaign.save(update_fields=fields)
        progress_changed(campaign.pk)
        record(
            campaign.workspace,
            actor,
            action,
            campaign,
            before={"status": before},
            after={"status": status},
            target_label=campaign.name,
        )
    return campaign


def _locked(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("workspace", "template", "channel")
        .get(pk=campaign.pk)
    )
