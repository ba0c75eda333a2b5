"""A campaign's live progress: how many of its messages are where, read in two queries
from the messages themselves (`Message.campaign`) and the recipients' exclusions, so
the frame a page receives and the fragment it re-fetches say the same."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from inbox.models import Campaign, CampaignRecipient, Message, MessageStatus

from .in_memory_plan import in_memory_plan


@dataclass(frozen=True)
class CampaignProgress:
    status: str
    recipients: int = 0  # messages written so far (the expansion may still be adding)
    excluded: int = 0
    waiting: int = 0  # held until the recipient's local window opens
    queued: int = 0  # queued or with the provider's call under way, not held
    sent: int = 0  # reached the provider: sent, delivered or read
    delivered: int = 0
    read: int = 0
    failed: int = 0
    fell_back: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.recipients) if self.recipients else 0

    def as_dict(self) -> dict:
        return {**asdict(self), "done": self.done, "percent": self.percent}


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    """Read from the covering indexes alone (in_memory_plan): the campaign's page and
    every live frame of a 100,000-recipient campaign count all of its rows."""
    with in_memory_plan():
        return _progress(campaign)


def _progress(campaign: Campaign) -> CampaignProgress:
    reached = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)
    totals = Message.objects.filter(campaign=campaign).aggregate(
        recipients=Count("pk"),
        waiting=Count("pk", filter=Q(status=MessageStatus.QUEUED, not_before__isnull=False)),
        queued=Count(
            "pk",
            filter=Q(status=MessageStatus.SENDING)
            | Q(status=MessageStatus.QUEUED, not_before__isnull=True),
        ),
        sent=Count("pk", filter=Q(status__in=reached)),
        delivered=Count("pk", filter=Q(status__in=reached[1:])),
        read=Count("pk", filter=Q(status=MessageStatus.READ)),
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
        fell_back=Count("pk", filter=Q(fallback_from__isnull=False)),
    )
    excluded = CampaignRecipient.objects.filter(campaign=campaign).exclude(excluded="").count()
    return CampaignProgress(status=campaign.status, excluded=excluded, **totals)
