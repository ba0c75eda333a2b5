from __future__ import annotations

from django.db import models

from .channel import Channel
from .workspace import Workspace


class Consent(models.Model):
    """Whether an address may be messaged from a channel's sender (the opt-out ledger).

    Absence of a row means never opted out. Keyed per channel because carriers and
    providers block the (sender, recipient) pair, not the person everywhere.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="consents")
    address = models.CharField(max_length=200)
    opted_out = models.BooleanField(default=False)
    keyword = models.CharField(max_length=32, blank=True, default="")
    # "keyword" (customer texted it), "provider" (e.g. Twilio 21610), "agent".
    source = models.CharField(max_length=16)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="uniq_consent"),
        ]
        indexes = [
            # A campaign's funnel: the workspace's opt-outs since the campaign began.
            models.Index(
                fields=["workspace", "changed_at"],
                condition=models.Q(opted_out=True),
                name="consent_opted_out_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} via {self.channel_id}: {'out' if self.opted_out else 'in'}"
