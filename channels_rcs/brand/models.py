"""Brand profile rows. One profile may serve several RCS channels of its workspace."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")


# Changing any of these changes what the customer is asked to trust: a verified badge
# earned for the old identity must not carry over.
IDENTITY_FIELDS = ("display_name", "description", "color", "phone_numbers", "websites", "emails")

# Public (the customer's phone shows them), so they live under their own media prefix
# that channels_rcs.brand.urls serves without a login.
ASSET_PREFIX = "rcs-brands"


def _asset_name(instance: BrandProfile, kind: str, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    # A fresh name per upload, so a changed logo is never served from a stale cache.
    return f"{ASSET_PREFIX}/{instance.workspace_id}/{kind}-{uuid.uuid4().hex}.{ext}"


def upload_logo(instance: BrandProfile, filename: str) -> str:
    return _asset_name(instance, "logo", filename)


def upload_banner(instance: BrandProfile, filename: str) -> str:
    return _asset_name(instance, "banner", filename)


class BrandProfile(models.Model):
    workspace = models.ForeignKey(
        "inbox.Workspace", on_delete=models.CASCADE, related_name="rcs_brands"
    )
    display_name = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True, default="")
    logo = models.ImageField(upload_to=upload_logo, blank=True, max_length=200)
    banner = models.ImageField(upload_to=upload_banner, blank=True, max_length=200)
    color = models.CharField(max_length=7, default="#1A73E8")
    # Each a list of {"label": str, "value": str}; phone values are E.164.
    phone_numbers = models.JSONField(default=list, blank=True)
    websites = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list, blank=True)
    privacy_policy_url = models.URLField(max_length=2048, blank=True, default="")
    terms_url = models.URLField(max_length=2048, blank=True, default="")
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "channels_rcs"
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def logo_url(self) -> str | None:
        return self.logo.url if self.logo else None

    @property
    def banner_url(self) -> str | None:
        return self.banner.url if self.banner else None

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class BrandAssignment(models.Model):
    """Which brand an RCS channel shows; a channel shows at most one."""

    channel = models.OneToOneField(
        "inbox.Channel", on_delete=models.CASCADE, related_name="rcs_brand_assignment"
    )
    brand = models.ForeignKey(BrandProfile, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "channels_rcs"

    def __str__(self) -> str:
        return f"{self.channel} -> {self.brand}"


class BrandRegistration(models.Model):
    """The brand as registered with Google (Business Communications API): the brand and
    agent resource names, what was chosen at creation, and the latest states Google
    reported with the time they were observed (brand.registration.services writes it)."""

    brand = models.OneToOneField(
        BrandProfile, on_delete=models.CASCADE, related_name="registration"
    )
    # Whose service-account key calls the API (the partner's key, an RCS channel's).
    channel = models.ForeignKey(
        "inbox.Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_base_url = models.CharField(max_length=300)
    brand_name = models.CharField(max_length=200, blank=True, default="")  # brands/{id}
    agent_name = models.CharField(max_length=300, blank=True, default="")  # .../agents/{id}
    billing_category = models.CharField(max_length=32)
    agent_use_case = models.CharField(max_length=32)
    hosting_region = models.CharField(max_length=32)
    verification_state = models.CharField(max_length=48, blank=True, default="")
    verification_observed_at = models.DateTimeField(null=True, blank=True)
    # {"/v1/regions/<id>": {"state", "comment", "update_time"}} as Google last reported.
    launch_states = models.JSONField(default=dict, blank=True)
    launch_observed_at = models.DateTimeField(null=True, blank=True)
    # regions.list, kept so the launch form needs no call to draw.
    regions = models.JSONField(default=list, blank=True)
    # A verification or a launch awaits Google: beat's refresh polls these only.
    pending = models.BooleanField(default=False, db_index=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "channels_rcs"

    def __str__(self) -> str:
        return self.agent_name or self.brand_name or f"registration of {self.brand}"

    @property
    def agent_id(self) -> str:
        """The id RBM's messaging API takes as agentId."""
        return self.agent_name.rsplit("/", 1)[-1] if self.agent_name else ""


class RegistrationStateChange(models.Model):
    """One state Google reported for the first time: verification or a region's launch."""

    VERIFICATION = "verification"

    registration = models.ForeignKey(
        BrandRegistration, on_delete=models.CASCADE, related_name="state_changes"
    )
    subject = models.CharField(max_length=200)  # "verification" or a region's name
    state = models.CharField(max_length=48)
    comment = models.CharField(max_length=500, blank=True, default="")
    observed_at = models.DateTimeField()

    class Meta:
        app_label = "channels_rcs"
        ordering = ["-observed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.state}"
