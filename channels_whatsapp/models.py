"""WhatsApp message templates (Meta's pre-approved "HSM" templates), one row per channel,
name and language, as the WhatsApp Business Account last reported them.

Distinct from the product's own use-case templates: these live at Meta, are reviewed
there, and are the only thing a business may send outside the 24-hour window.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models import Channel, Workspace

PLACEHOLDER = re.compile(r"\{\{\s*(\d+)\s*\}\}")


class MessageTemplate(models.Model):
    class Category(models.TextChoices):
        MARKETING = "MARKETING", _("Marketing")
        UTILITY = "UTILITY", _("Utility")
        AUTHENTICATION = "AUTHENTICATION", _("Authentication")

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft (not submitted)")
        PENDING = "PENDING", _("Pending review")
        APPROVED = "APPROVED", _("Approved")
        REJECTED = "REJECTED", _("Rejected")
        PAUSED = "PAUSED", _("Paused")
        DISABLED = "DISABLED", _("Disabled")
        IN_APPEAL = "IN_APPEAL", _("In appeal")
        OTHER = "OTHER", _("Other")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="wa_templates")
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16)
    category = models.CharField(max_length=20, choices=Category.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    components = models.JSONField(default=list)
    provider_id = models.CharField(max_length=64, blank=True)
    rejected_reason = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "name", "language"], name="uniq_wa_template_per_channel"
            )
        ]
        ordering = ["name", "language"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def body_text(self) -> str:
        for component in self.components or []:
            if isinstance(component, dict) and str(component.get("type", "")).upper() == "BODY":
                return str(component.get("text") or "")
        return ""

    @property
    def parameter_count(self) -> int:
        return len(set(PLACEHOLDER.findall(self.body_text)))

    def filled(self, parameters: list[str]) -> str:
        """The body as the customer reads it, {{n}} replaced by the n-th parameter."""

        def value(match: re.Match) -> str:
            n = int(match.group(1))
            return parameters[n - 1] if 0 < n <= len(parameters) else match.group(0)

        return PLACEHOLDER.sub(value, self.body_text)
