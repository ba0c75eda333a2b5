from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .channel import Channel
from .contact import Contact
from .message import Message
from .message_template import MessageTemplate
from .team import Team
from .workspace import Workspace


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """A plan (audience, template, channel, schedule) that expands into one ordinary
    outbound Message per recipient, each in the recipient's own conversation.

    The row is the expansion's whole state: `cursor` is the last contact id whose chunk
    committed (contacts are walked in id order), so a worker that dies, a pause or a
    restart continues from there and never holds the audience in memory.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=100)
    # RESTRICT, not PROTECT: a template or channel in use cannot be deleted on its own, yet
    # deleting the whole workspace (which cascades to both sides) still can.
    template = models.ForeignKey(MessageTemplate, on_delete=models.RESTRICT, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.RESTRICT, related_name="+")
    # {"contact_ids": [...]} | {"segment_id": n} | {"label": "..."}
    audience = models.JSONField(default=dict)
    # The team that gets the replies: new threads are opened on its queue.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    cursor = models.BigIntegerField(default=0)
    launched_at = models.DateTimeField(null=True, blank=True)
    # Last committed chunk: the beat sweep re-requests a running campaign idle past a while.
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["scheduled", "running"]),
                name="campaign_active",
            ),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ExclusionReason(models.TextChoices):
    OPTED_OUT = "opted_out", _("Opted out")
    INVALID_NUMBER = "invalid_number", _("No valid number")
    MISSING_VALUE = "missing_value", _("A placeholder value is missing")
    DUPLICATE = "duplicate", _("Duplicate")
    REJECTED = "rejected", _("Refused by the channel")


class CampaignRecipient(models.Model):
    """One contact of one campaign, written once: its message, or why it was excluded.

    The unique (campaign, contact) makes "at most one message per recipient per
    campaign" a database fact: a second launch, a redelivered task or two expansions at
    once cannot insert a second row, and the message is created in the same transaction
    as its row.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_recipient"
    )
    excluded = models.CharField(max_length=16, choices=ExclusionReason.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="uniq_campaign_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.contact_id}"
