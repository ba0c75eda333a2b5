from __future__ import annotations

from django.conf import settings
from django.db import models

from .workspace import Workspace


class CannedResponse(models.Model):
    """A saved reply agents insert with "/shortcut"; {{ contact.first_name }} style variables
    are filled in at insert time."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="canned_responses"
    )
    shortcut = models.SlugField(max_length=40)
    title = models.CharField(max_length=120)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "shortcut"], name="uniq_canned_shortcut"),
        ]
        ordering = ["shortcut"]

    def __str__(self) -> str:
        return f"/{self.shortcut}"
