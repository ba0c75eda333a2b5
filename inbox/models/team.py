from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workspace import Workspace


class RoutingMode(models.TextChoices):
    """How a new conversation on one of the team's channels finds an agent."""

    UNASSIGNED = "unassigned", _("Leave unassigned (team queue)")
    ROUND_ROBIN = "round_robin", _("Round-robin among online agents")


class Team(models.Model):
    """A group of agents that owns channels and the conversations arriving on them."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="inbox_teams"
    )
    routing = models.CharField(
        max_length=16, choices=RoutingMode.choices, default=RoutingMode.UNASSIGNED
    )
    # Round-robin skips agents already holding this many open conversations (0 = no cap).
    max_open_per_agent = models.PositiveIntegerField(default=0)
    reassign_when_offline = models.BooleanField(default=False)
    # Who got the last round-robin assignment, so the next one starts after them.
    last_assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_team_name"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
