"""One-time secrets of the first run and of an admin's first password, stored hashed."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class SetupToken(models.Model):
    """The first-run token a web process printed at start.

    Every web process that starts while no workspace exists prints its own and stores its
    hash here, so whichever process serves the setup form accepts any printed token. All
    are deleted when the first workspace is created.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"setup token of {self.created_at:%Y-%m-%d %H:%M}"


class SetupLink(models.Model):
    """A one-time link for a new admin to set their password (create_workspace, the
    operators' page). Only the newest unused link of a user works; the raw token lives only
    in the link, so a database leak yields no usable links."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"setup link for {self.user}"

    @property
    def is_usable(self) -> bool:
        if self.used_at is not None or self.revoked_at is not None:
            return False
        return self.expires_at > timezone.now()
