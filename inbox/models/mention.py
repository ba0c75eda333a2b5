from __future__ import annotations

from django.conf import settings
from django.db import models


class Mention(models.Model):
    """A teammate @mentioned in a private note; unseen mentions notify them."""

    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="uniq_mention"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.message_id}"
