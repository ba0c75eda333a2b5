"""Automation rules (when / if / then), what each run did, and the conversations a person
has taken over (automation stays silent on them until they are resolved)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.crypto import EncryptedTextField, decrypt_json, encrypt_json
from inbox.models import Conversation, Message, Workspace


class Trigger(models.TextChoices):
    POSTBACK = "postback", _("A chip tap (postback)")
    KEYWORD = "keyword", _("A keyword or phrase")
    NEW_CONVERSATION = "new_conversation", _("A new conversation")
    OUT_OF_HOURS = "out_of_hours", _("A message out of business hours")
    CAMPAIGN_REPLY = "campaign_reply", _("A reply to a campaign")


class AutomationRule(models.Model):
    """One rule. `conditions` and `actions` are small JSON documents checked by
    automations.services.rule_spec before they are saved (the page and the API share it).

    Rules are tried in `position` order and the first whose trigger and conditions match
    runs; the others do not, so one customer message never gets two automated answers.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="automation_rules"
    )
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    # Postback: the value (or its prefix); keyword: phrases, one per line.
    trigger_value = models.TextField(blank=True, default="")
    match_prefix = models.BooleanField(default=False)
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list, blank=True)
    # The webhook action's credential (e.g. "Bearer …" for the billing API), sent as its
    # header only to the action's URL; encrypted at rest, never shown back.
    webhook_secret_encrypted = EncryptedTextField(blank=True, default="")
    hit_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    last_hit_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="uniq_automation_name"),
        ]
        indexes = [models.Index(fields=["workspace", "position"], name="automation_order")]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def webhook_secret(self) -> str:
        if not self.webhook_secret_encrypted:
            return ""
        return decrypt_json(self.webhook_secret_encrypted)["secret"]

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_encrypted = encrypt_json({"secret": value}) if value else ""


class RunOutcome(models.TextChoices):
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class AutomationRun(models.Model):
    """A rule that matched one inbound message, and what came of it.

    Unique per (rule, message): a task delivered twice (acks_late) finds the row and
    does nothing, so a customer never gets the same automated reply twice. The text is
    not copied here: the page shows the message itself, so erasing a contact leaves
    nothing of theirs behind.
    """

    rule = models.ForeignKey(AutomationRule, on_delete=models.CASCADE, related_name="runs")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, on_delete=models.SET_NULL, related_name="+")
    conversation = models.ForeignKey(
        Conversation, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=RunOutcome.choices)
    # Automated replies this run queued: the per-hour guard counts them.
    replies = models.PositiveSmallIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "message"], name="uniq_automation_run"),
        ]
        indexes = [
            models.Index(fields=["rule", "-created_at"], name="automation_run_rule"),
            models.Index(fields=["conversation", "created_at"], name="automation_run_conv"),
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.message_id}: {self.outcome}"


class HoldReason(models.TextChoices):
    HANDED_OFF = "handed_off", _("Handed off to a person")
    AGENT_REPLIED = "agent_replied", _("An agent replied")


class AutomationHold(models.Model):
    """A conversation automation stays silent on until it is resolved."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=HoldReason.choices)
    since = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"conversation {self.conversation_id}: {self.reason}"


class AutomationPolicy(models.Model):
    """A workspace's guard: at most this many automated replies per conversation per
    hour (without a row, AUTOMATION_MAX_REPLIES_PER_HOUR)."""

    workspace = models.OneToOneField(
        Workspace, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    max_replies_per_hour = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.max_replies_per_hour} replies per conversation per hour"
