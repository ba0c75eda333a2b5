from __future__ import annotations

from django.db import models

from .workspace import Workspace


class Label(models.Model):
    """A coloured tag agents put on conversations; lists filter by it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)
    # A CSS hex colour; the name is always shown too, so colour never carries meaning alone.
    colour = models.CharField(max_length=7, default="#6b7280")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_label_name"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
