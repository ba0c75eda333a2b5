from __future__ import annotations

from django.db import models

from .workspace import Workspace


def _default_week() -> dict:
    # Weekday number (0 = Monday, as datetime.weekday()) -> list of ["HH:MM", "HH:MM"].
    return {str(day): [["09:00", "17:00"]] for day in range(5)}


class BusinessHours(models.Model):
    """When the workspace answers, in Workspace.timezone.

    Dashboards measure response times within these hours and channels send their
    out-of-hours reply outside them; both read this one row, so they never disagree.
    """

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="business_hours"
    )
    enabled = models.BooleanField(default=False)
    weekly = models.JSONField(default=_default_week, blank=True)

    def __str__(self) -> str:
        return f"business hours of {self.workspace_id}"


class Holiday(models.Model):
    """A whole local day the workspace is closed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "date"], name="uniq_holiday"),
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
