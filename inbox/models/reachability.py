from __future__ import annotations

from django.db import models

from .channel import Channel
from .contact import Contact


class ContactReachability(models.Model):
    """Whether a contact's phone number could receive on an RCS channel, and when we asked.

    A cached capability lookup, kept as a fact about the contact so a segment can say
    "RCS-capable" and a campaign can plan RCS versus SMS without asking the provider per
    recipient. `reachable` is None when the provider could not say; `checked_at` is the
    age the contacts page shows and the refresh job sorts by (oldest first).
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reachability")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    reachable = models.BooleanField(null=True)
    checked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "channel"], name="uniq_reachability"),
        ]
        indexes = [models.Index(fields=["channel", "checked_at"], name="reachability_stale")]

    def __str__(self) -> str:
        return f"{self.contact_id} on {self.channel_id}: {self.reachable}"
