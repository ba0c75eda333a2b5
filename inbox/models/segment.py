from __future__ import annotations

from django.conf import settings
from django.db import models

from .workspace import Workspace


class Segment(models.Model):
    """A saved contact filter (inbox.selectors.contact_filter's document), evaluated in SQL
    whenever it is counted or listed, so its members are always today's."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=100)
    filter = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_segment_name"),
        ]
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
