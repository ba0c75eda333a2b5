from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages a workspace can default to (its members' pages, automatic replies)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Workspace(models.Model):
    """The tenant: every other row belongs to exactly one workspace."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    # Every member must set up TOTP two-factor before reaching any page.
    require_two_factor = models.BooleanField(default=False)
    # Messages older than this many days are purged by a periodic task (None = keep).
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    # Set by an operator: members cannot sign in and nothing is sent (queued replies wait
    # for the resume), while webhooks are still accepted and stored, so nothing is lost.
    suspended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    AGENT = "agent", _("Agent")


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    # Deactivated members keep their history (authorship, audit) but reach nothing.
    is_active = models.BooleanField(default=True)
    # Mirrors the agent's open PresenceSpan: online / away / offline.
    presence = models.CharField(max_length=8, default="offline")
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="uniq_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"
