from __future__ import annotations

import secrets

from django.db import models

from inbox.crypto import EncryptedTextField, decrypt_json, encrypt_json

from .workspace import Workspace


def _webhook_token() -> str:
    return secrets.token_urlsafe(18)


class Channel(models.Model):
    """A connected provider account; `kind` picks the adapter from the registry."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    # Non-secret configuration (sender number, account id, limits...).
    config = models.JSONField(default=dict, blank=True)
    # Secrets (auth tokens, keys) encrypted at rest with SECRETS_ENCRYPTION_KEYS.
    secrets_encrypted = EncryptedTextField(blank=True, default="")
    api_base_url = models.URLField(max_length=300, blank=True, default="")
    fallback = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="fallback_for"
    )
    # Unguessable path segment in webhook URLs (the signature is the real check).
    webhook_token = models.CharField(max_length=40, unique=True, default=_webhook_token)
    is_active = models.BooleanField(default=True)
    # The team that owns conversations arriving here (routing reads the team's settings).
    team = models.ForeignKey(
        "inbox.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="channels"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def secrets(self) -> dict:
        return decrypt_json(self.secrets_encrypted) if self.secrets_encrypted else {}

    @secrets.setter
    def secrets(self, value: dict) -> None:
        self.secrets_encrypted = encrypt_json(value) if value else ""

    @property
    def adapter(self):
        # The registry, not the inbox.adapters package: the interface names this model.
        from inbox.adapters.registry import get_adapter

        return get_adapter(self.kind)
