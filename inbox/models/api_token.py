from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .workspace import Workspace


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do. `admin` includes the other two, and only an admin holds it."""

    READ = "read", _("Read conversations and messages")
    SEND = "send", _("Send messages")
    ADMIN = "admin", _("Administer the workspace")


def default_scopes() -> list[str]:
    # What every token could do before scopes existed, so old integrations keep working.
    return [TokenScope.READ.value, TokenScope.SEND.value]


class ApiToken(models.Model):
    """A per-user API token; only its hash is stored, the raw value is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120, default="default")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    scopes = ArrayField(
        models.CharField(max_length=16, choices=TokenScope.choices), default=default_scopes
    )
    # None: never expires. A leaked token with a date stops on its own.
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        """Whether this token's scopes cover `scope` (admin covers every scope)."""
        return scope in self.scopes or TokenScope.ADMIN in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
