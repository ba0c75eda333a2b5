from __future__ import annotations

from django.conf import settings
from django.db import models

from .workspace import Workspace


class AuditEntry(models.Model):
    """Who changed what in the workspace's settings, when, with before/after values.

    Written only through inbox.services.audit.record; no page or API edits or deletes it.
    Erasure and retention remove a contact's values from before/after and the label
    (inbox.services.audit.erase_contact), keeping the entry itself.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the entry still reads right after the user is deleted.
    actor_label = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    target_label = models.CharField(max_length=200, blank=True, default="")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"], name="audit_by_time")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_label}"
