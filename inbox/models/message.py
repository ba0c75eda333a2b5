from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .channel import Channel
from .conversation import Conversation
from .workspace import Workspace


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    # Never sent anywhere: system notes (consent changes, fallbacks) and private notes.
    INTERNAL = "internal", _("Internal")


class Author(models.TextChoices):
    CONTACT = "contact", _("Contact")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")
    BOT = "bot", _("Bot")


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# Statuses only move up this ladder; failed sits level with delivered so a late "sent"
# never hides a failure, and only an explicit retry leaves it.
STATUS_RANK = {
    MessageStatus.RECEIVED: 0,
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.FAILED: 3,
    MessageStatus.READ: 4,
}


class Message(models.Model):
    # Our own UUID is also the idempotency key we hand providers that accept one.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # The channel actually used (after fallback, the fallback channel).
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    author = models.CharField(max_length=8, choices=Author.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    content = models.JSONField()
    text = models.TextField(blank=True, default="")
    status = models.CharField(max_length=12, choices=MessageStatus.choices)
    provider_message_id = models.CharField(max_length=120, blank=True, default="")
    # Set when the message went out on its channel's fallback (e.g. RCS -> SMS), and why.
    fallback_from = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fallback_reason = models.CharField(max_length=300, blank=True, default="")
    # Optional time-to-live: undelivered by then, it is revoked (and maybe sent as SMS).
    expires_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=32, blank=True, default="")
    error_message = models.CharField(max_length=300, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Held in `queued` until this time (a campaign recipient outside their local window):
    # the outbox claims only rows without it, and its sweep clears it once it has passed.
    not_before = models.DateTimeField(null=True, blank=True)
    # The campaign this message is one recipient's copy of (its CampaignRecipient row
    # says the same); kept here so the outbox and live progress need no join per message.
    campaign = models.ForeignKey(
        "inbox.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # What inbox search matches ('simple': no stemming, no stop words). Stored and filled
    # by PostgreSQL itself, so every write path (ORM, COPY, raw SQL) keeps it right, and
    # checking a message against a query reads it instead of re-parsing the text.
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="uniq_provider_message_id",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="msg_thread"),
            GinIndex(fields=["search_vector"], name="msg_search_vector"),
            models.Index(
                fields=["expires_at"],
                condition=models.Q(expires_at__isnull=False),
                name="msg_expiry",
            ),
            models.Index(
                fields=["status", "queued_at"],
                condition=models.Q(status="queued"),
                name="msg_outbox_queued",
            ),
            models.Index(
                fields=["not_before"],
                condition=models.Q(not_before__isnull=False),
                name="msg_outbox_held",
            ),
            # (No index on `campaign` alone: msg_campaign_funnel below leads with it, under
            # the same condition, and serves every lookup by campaign; a second one cost
            # each write of a campaign's message another index entry: 0020.)
            # A campaign's funnel and progress read every one of its messages: covering,
            # in id order, so they read it index-only and merge it with the recipients.
            models.Index(
                fields=["campaign", "id"],
                include=[
                    "channel",
                    "status",
                    "fallback_from",
                    "sent_at",
                    "delivered_at",
                    "read_at",
                    "not_before",
                ],
                condition=models.Q(campaign__isnull=False),
                name="msg_campaign_funnel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.id}"


class MessageStatusEvent(models.Model):
    """Every status a message went through, with the raw provider payload, for audit."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(max_length=12, choices=MessageStatus.choices)
    at = models.DateTimeField()
    error_code = models.CharField(max_length=32, blank=True, default="")
    error_message = models.CharField(max_length=300, blank=True, default="")
    # What caused it: "api", "worker", "webhook", "retry", "sweep".
    source = models.CharField(max_length=16)
    applied = models.BooleanField(default=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["message", "at"], name="status_event_message")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.status}"
