from __future__ import annotations

from django.db import models

from .channel import Channel


class OrphanStatus(models.Model):
    """A status callback that beat our own record of the provider id.

    Providers can call back before the worker has stored the id the send returned; the
    update waits here and is applied the moment the id is recorded, so nothing is lost.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    provider_message_id = models.CharField(max_length=120)
    status = models.CharField(max_length=12)
    at = models.DateTimeField()
    error_code = models.CharField(max_length=32, blank=True, default="")
    error_message = models.CharField(max_length=300, blank=True, default="")
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "provider_message_id"], name="orphan_lookup")]

    def __str__(self) -> str:
        return f"orphan {self.provider_message_id} {self.status}"
