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
    # Send only between these local times in each recipient's own zone (from the number's
    # country or region); both empty: no window. A recipient outside it is held, queued,
    # until it opens (Message.not_before).
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    # Messages per second for the whole campaign, on top of each sender's own limit;
    # empty: the channel's sender limits alone.
    send_rate = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    cursor = models.BigIntegerField(default=0)
    # The control arm: this share (0 to 0.5) of the RCS-capable recipients gets the SMS
    # version over the SMS fallback instead, so the funnel can measure RCS's lift. Each
    # recipient's arm is drawn from (experiment_seed, contact id): reproducible, and the
    # same whichever chunk or worker judges the contact.
    control_share = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    experiment_seed = models.BigIntegerField(default=0)
    # A customer message this long after the campaign's message counts as its reply.
    attribution_hours = models.PositiveSmallIntegerField(default=72)
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


class Arm(models.TextChoices):
    TREATMENT = "treatment", _("RCS (treatment)")
    CONTROL = "control", _("SMS (control)")


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
    # The experiment arm of an RCS-capable recipient when the campaign has a control arm
    # ("" outside the experiment: no control arm, or not RCS-capable when judged).
    arm = models.CharField(max_length=9, choices=Arm.choices, blank=True, default="")
    detail = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="uniq_campaign_recipient"),
        ]
        indexes = [
            # The funnel reads every recipient with its message: covering, in message
            # order, to merge with msg_campaign_funnel index-only.
            models.Index(
                fields=["campaign", "message"],
                include=["id", "arm", "excluded"],
                name="campaign_recipient_funnel",
            ),
            # The live progress counts the excluded: a few in a large audience.
            models.Index(
                fields=["campaign"],
                condition=~models.Q(excluded=""),
                name="campaign_recipient_excluded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.contact_id}"


class CampaignReply(models.Model):
    """A customer message attributed to a campaign: it arrived in the recipient's thread
    within the campaign's attribution window after the campaign's message was sent (the
    latest such campaign message wins). Written with the message, in ingest's
    transaction, so the thread's badge and the funnel's "replied" read one fact.
    """

    message = models.OneToOneField(
        Message, primary_key=True, on_delete=models.CASCADE, related_name="campaign_reply"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        CampaignRecipient, on_delete=models.CASCADE, related_name="replies"
    )
    at = models.DateTimeField()
    # A suggestion response: a chip tap or an action over RCS, a numbered option over SMS.
    tapped = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["campaign", "recipient"], name="campaign_reply_rcpt")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.message_id}"


class TrackedLink(models.Model):
    """One URL of a campaign's text version, for one recipient, behind /r/<code>.

    The redirect goes only to `url`, the address the template held when the message was
    written; nothing in the request can change where it goes.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(CampaignRecipient, on_delete=models.CASCADE, related_name="links")
    code = models.CharField(max_length=16, unique=True)
    url = models.URLField(max_length=2000)
    clicks = models.PositiveIntegerField(default=0)
    first_clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "url"], name="uniq_tracked_link"),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "recipient"],
                condition=models.Q(first_clicked_at__isnull=False),
                name="tracked_link_clicked",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CampaignConversion(models.Model):
    """A recipient who did what the campaign asked (paid, booked, bought): one per
    recipient, by the unique recipient, however many times it is reported."""

    class Source(models.TextChoices):
        API = "api", _("API")
        POSTBACK = "postback", _("Suggestion tapped")
        AUTOMATION = "automation", _("Automation")
        AGENT = "agent", _("Agent")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conversions")
    recipient = models.OneToOneField(
        CampaignRecipient, on_delete=models.CASCADE, related_name="conversion"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.API)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["campaign", "recipient"], name="campaign_conversion_rcpt")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.recipient_id}"
