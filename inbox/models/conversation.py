from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .channel import Channel
from .contact import Contact
from .label import Label
from .team import Team
from .workspace import Workspace

# The list's one-line preview of the last message: what fits its column.
PREVIEW_LENGTH = 200


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class Conversation(models.Model):
    """One thread per customer; `channel` is the channel replies go out on by default."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    status = models.CharField(
        max_length=16, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    snoozed_until = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_message_preview = models.CharField(max_length=PREVIEW_LENGTH, blank=True, default="")
    # Response clock: the first inbound message not yet answered, cleared by an agent reply.
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One thread per customer: reopened, never duplicated.
            models.UniqueConstraint(
                fields=["workspace", "contact"], name="uniq_thread_per_contact"
            ),
        ]
        indexes = [
            models.Index(
                fields=["workspace", "status", "-last_message_at"], name="conv_list_status"
            ),
            models.Index(
                fields=["workspace", "assignee", "status", "-last_message_at"],
                name="conv_list_assignee",
            ),
            models.Index(fields=["workspace", "-last_message_at"], name="conv_list_all"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk}"


class ReadMarker(models.Model):
    """How far each agent has read a conversation; unread = inbound messages after it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_markers"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="uniq_read_marker"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} at {self.read_at}"
