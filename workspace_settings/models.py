"""Rows only this app owns: outbound webhooks, their delivery log, contact attribute fields."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inbox.crypto import EncryptedTextField, decrypt_json, encrypt_json
from inbox.models import Workspace


class WebhookEvent(models.TextChoices):
    MESSAGE_CREATED = "message.created", _("Message created")
    MESSAGE_STATUS_CHANGED = "message.status_changed", _("Message status changed")
    CONVERSATION_ASSIGNED = "conversation.assigned", _("Conversation assigned")
    CONVERSATION_RESOLVED = "conversation.resolved", _("Conversation resolved")


class OutboundWebhook(models.Model):
    """A URL of the workspace's own systems that receives signed JSON events."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="outbound_webhooks"
    )
    url = models.URLField(max_length=500)
    # The HMAC key, encrypted at rest like channel secrets; shown to the admin once.
    secret_encrypted = EncryptedTextField()
    events = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return decrypt_json(self.secret_encrypted)["secret"] if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = encrypt_json({"secret": value})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one webhook: the exact body sent, each attempt's outcome, the next try.

    The body is frozen at creation, so every retry is byte-identical (receivers dedupe on
    the delivery id header) and the signature always covers what is logged here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    webhook = models.ForeignKey(
        OutboundWebhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log"),
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.webhook_id} ({self.status})"


class AttributeType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BOOL = "bool", _("Yes / no")


class ContactAttributeDefinition(models.Model):
    """A custom field on contacts; values live in Contact.attributes under `key`."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="contact_attribute_definitions"
    )
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    type = models.CharField(max_length=8, choices=AttributeType.choices, default=AttributeType.TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="uniq_contact_attribute_key"),
        ]
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label
