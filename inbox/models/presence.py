from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workspace import Workspace


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class PresenceSpan(models.Model):
    """One stretch of an agent being online or away; dashboards sum these for online time.

    The open span (ended_at NULL) is the agent's current state; Membership.presence mirrors
    it for cheap reads in lists.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence_spans"
    )
    status = models.CharField(max_length=8, choices=Presence.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "user", "started_at"], name="presence_span_user"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="uniq_open_presence_span",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} from {self.started_at}"
