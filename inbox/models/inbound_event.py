from __future__ import annotations

from django.db import models

from .channel import Channel


class InboundEvent(models.Model):
    """A webhook's normalized event, committed before the provider gets its 2xx.

    The webhook does only this (verify, parse, one insert), so a burst is absorbed at
    insert speed and nothing is lost; a worker applies events to the domain in order of
    arrival. `dedupe_key` makes a provider's retry a no-op before any work is done.
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)  # the first event's type, for people reading rows
    # [[type, fields], ...]: one webhook's events together, so they apply in their order.
    events = models.JSONField()
    dedupe_key = models.CharField(max_length=200, blank=True, default="")
    received_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    # Failed applications so far; at MAX_APPLY_ATTEMPTS the event is set aside (gave_up_at)
    # so one poison event cannot hold the queue's head forever. db_default: the webhook
    # inserts rows with raw SQL that names only the columns it knows.
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="uniq_inbound_event",
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(applied_at__isnull=True, gave_up_at__isnull=True),
                name="inbound_event_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.dedupe_key}"
