"""Roll-up tables: derived from the message and status history, never edited by hand.

Everything here except the two event tables can be thrown away and rebuilt (`manage.py
rebuild_dashboards`). Counters are per local hour of the workspace (stored as the UTC
instant that hour starts), so local days and hours are exact in half- and quarter-hour
zones too; durations are kept as samples so medians and p90s are real. The event tables
(status changes, consent changes) are history the inbox rows do not keep: they are written
by signal receivers and are the source, not a roll-up.
Team and agent are plain ids (no foreign keys): a roll-up row must not block deleting a
team or a user, and a deleted one simply shows as "(removed)".
"""

from __future__ import annotations

from django.db import models

from inbox.models import Workspace


class _Counters(models.Model):
    """What is counted for a bucket of messages (dashboards.rollup.counters)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # Start of the workspace's local hour. A local hour of a half-hour zone straddles two
    # UTC days, so each UTC day's recomputation writes its own rows, tagged with `day`.
    hour = models.DateTimeField()
    day = models.DateField()
    channel_id = models.BigIntegerField()
    direction = models.CharField(max_length=8)
    kind = models.CharField(max_length=16)
    messages = models.IntegerField(default=0)
    sent = models.IntegerField(default=0)
    delivered = models.IntegerField(default=0)
    read = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    replied = models.IntegerField(default=0)
    fell_back = models.IntegerField(default=0)
    segments = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.direction} {self.kind}: {self.messages}"


class HourlyMessageStats(_Counters):
    """Messages of one local hour per channel, team, agent, direction and content kind."""

    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "hour"], name="dash_hourly_ws_hour")]


class HourlyChannelStats(_Counters):
    """The same counters with team and agent summed away: what an unfiltered page reads
    (about a tenth of the rows, which is most of the page's time)."""

    class Meta:
        indexes = [models.Index(fields=["workspace", "hour"], name="dash_hourly_ch_ws_hour")]


class ReasonCount(models.Model):
    """Counted strings per hour: failure reasons, fallback reasons, tapped chips."""

    FAILURE = "failure"
    FALLBACK = "fallback"
    CHIP = "chip"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()  # as in _Counters
    day = models.DateField()
    kind = models.CharField(max_length=8)
    channel_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    reason = models.CharField(max_length=300)
    count = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "kind", "hour"], name="dash_reason_ws_hour")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reason}: {self.count}"


class AgentConversation(models.Model):
    """An agent responded in a conversation on a UTC day (for distinct "handled" counts)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    first_at = models.DateTimeField()
    agent_id = models.BigIntegerField()
    conversation_id = models.BigIntegerField()
    channel_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    replies = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "first_at"], name="dash_agentconv_ws_at")]

    def __str__(self) -> str:
        return f"agent {self.agent_id} in {self.conversation_id} on {self.day}"


class ResponseSample(models.Model):
    """One customer wait ended by an agent response (metrics.responses)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    response_message_id = models.UUIDField(unique=True)
    conversation_id = models.BigIntegerField()
    channel_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    waited_from = models.DateTimeField()
    responded_at = models.DateTimeField()
    seconds = models.FloatField()
    business_seconds = models.FloatField()
    is_first = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "responded_at"], name="dash_response_ws_at"),
            models.Index(
                fields=["workspace", "responded_at"],
                condition=models.Q(is_first=True),
                name="dash_first_response_ws_at",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.response_message_id}: {self.business_seconds:.0f}s"


class ResolutionSample(models.Model):
    """One resolution of a conversation (metrics.responses)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()
    channel_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    started_at = models.DateTimeField()
    resolved_at = models.DateTimeField()
    seconds = models.FloatField()
    business_seconds = models.FloatField()
    # False: resolved again with no customer message since the previous resolution. It
    # counts as a resolution but has no duration of its own (kept out of medians).
    timed = models.BooleanField(default=True)
    # An agent replied between started_at and resolved_at ("resolved with a person").
    # Kept up to date by the roll-up (samples.mark_agent_replies) so the page counts it
    # instead of probing the thread of every resolution in the period.
    agent_replied = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation_id", "resolved_at"], name="dash_uniq_resolution"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "resolved_at"], name="dash_resolution_ws_at"),
        ]

    def __str__(self) -> str:
        return f"resolution of {self.conversation_id} at {self.resolved_at}"


class ConversationStatusEvent(models.Model):
    """One status change (inbox.signals.conversation_status_changed), as it happened.

    The conversation row keeps only its current status and latest resolved_at, so without
    this a thread resolved, reopened by the customer and resolved again looks like one
    resolution and its reopening is never "opened". Channel, team and agent are the
    conversation's at the change (for a resolution: who held it when it was resolved).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    conversation_id = models.BigIntegerField()
    channel_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    previous_status = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    actor_id = models.BigIntegerField(null=True)  # None: the customer or the snooze clock
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "at"], name="dash_statusev_ws_at"),
            models.Index(fields=["conversation_id", "at"], name="dash_statusev_conv_at"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.previous_status} -> {self.status} at {self.at}"


class ConsentEvent(models.Model):
    """One opt-out or opt-in (inbox.signals.consent_changed); the Consent ledger keeps only
    the current state. Points at the ledger row by id rather than copying the address, so
    the history holds no phone number of its own."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    channel_id = models.BigIntegerField()
    consent_id = models.BigIntegerField()
    opted_out = models.BooleanField()
    source = models.CharField(max_length=16)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "at"], name="dash_consentev_ws_at")]

    def __str__(self) -> str:
        return f"consent {self.consent_id}: {'out' if self.opted_out else 'in'} at {self.at}"


class DirtyDay(models.Model):
    """A UTC day whose roll-up must be recomputed (a late message or status arrived)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "day"], name="dash_uniq_dirty_day"),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.day}"


class RollupState(models.Model):
    """How far the roll-up has read, and with which business hours it measured."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    status_event_watermark = models.BigIntegerField(default=0)
    hours_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # The zone the counters are bucketed in; a different workspace zone re-buckets all.
    bucket_tz = models.CharField(max_length=64, blank=True, default="")
    last_run_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"roll-up of {self.workspace_id} at {self.last_run_at}"
