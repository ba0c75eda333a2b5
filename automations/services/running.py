"""Running the rules an inbound message triggered, off the request path.

The receiver (automations.receivers) matched the message in memory and handed the
candidate rules, in order, to a runner (automations.services.run_queue). Here, in a
worker:

1. A conversation a person has (handed off, or an agent replied) is left alone.
2. The first candidate whose trigger (new conversation, out of hours, campaign reply)
   and conditions hold is the rule that runs; the others do not.
3. Its webhook, if any, is called first, outside any transaction (a slow system must
   not hold a row lock); a timeout or a bad answer sends the rule's fallback text and
   hands off instead.
4. Under the conversation's row lock, the reply guard is checked (at most N automated
   replies per conversation per hour), the run row is written (unique per rule and
   message: a redelivered task does nothing) and the actions run in order, all in one
   transaction: an action that fails rolls every one back and the failure is recorded
   on the rule. The customer's message was committed before any of this began, so a
   failing rule can never keep it from the inbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inbox.models import Conversation, Message
from inbox.services.errors import SendRejected
from inbox.services.note_language import notes_language
from inbox.services.outbox.recipient import recipient_addresses

from ..models import AutomationPolicy, AutomationRule, AutomationRun, RunOutcome
from . import holds, webhook_call
from .actions import ActionFailed, apply, send_bot_message
from .conditions import conditions_hold, trigger_holds

log = logging.getLogger(__name__)

DETAIL_MAX = 300


def max_replies_per_hour(workspace_id: int) -> int:
    policy = AutomationPolicy.objects.filter(workspace_id=workspace_id).first()
    return policy.max_replies_per_hour if policy else settings.AUTOMATION_MAX_REPLIES_PER_HOUR


def replies_in_last_hour(conversation_id: int) -> int:
    since = timezone.now() - timedelta(hours=1)
    total = AutomationRun.objects.filter(
        conversation_id=conversation_id, created_at__gte=since
    ).aggregate(n=Sum("replies"))["n"]
    return total or 0


def run_for_message(message_id: str, rule_ids: list[int]) -> str:
    """Run the first matching candidate for one inbound message; what happened, in a
    word (for the task's result and the logs).

    A failure's reason is stored once and read by the workspace's admins, so it is
    written in the workspace's language, as system notes are (note_language)."""
    message = (
        Message.objects.select_related("conversation__contact", "conversation__workspace")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return "gone"
    if holds.is_held(message.conversation_id):
        return "silent"
    rules = AutomationRule.objects.filter(
        workspace_id=message.workspace_id, pk__in=rule_ids, is_enabled=True
    ).order_by("position", "pk")
    with translation.override(notes_language(message.workspace_id)):
        return _run_first_match(message, rules)


def _run_first_match(message: Message, rules) -> str:
    context: dict = {}
    for rule in rules:
        try:
            matched = trigger_holds(rule, message, context) and conditions_hold(
                rule, message, context
            )
        except Exception as exc:  # noqa: BLE001 - recorded on the rule, never raised
            log.exception("automation %s: checking conditions failed", rule.pk)
            _record_failure(rule, message, _("conditions: %(error)s") % {"error": exc})
            return "failed"
        if matched:
            return execute(rule, message, context)
    return "no match"


def execute(rule: AutomationRule, message: Message, context: dict) -> str:
    if AutomationRun.objects.filter(rule=rule, message=message).exists():
        return "done before"
    webhook = next((a for a in rule.actions if a["type"] == "webhook"), None)
    if webhook is not None:
        try:
            body = webhook_call.request_body(
                rule.name, message, message.conversation.contact, _phone(message)
            )
            secret = rule.webhook_secret
            header = webhook.get("auth_header") or "Authorization"
            answer = webhook_call.call(webhook["url"], body, {header: secret} if secret else None)
            context["webhook_values"] = webhook_call.pick(answer, webhook.get("attributes") or {})
        except webhook_call.WebhookFailed as exc:
            return _webhook_fallback(
                rule, message, webhook, _("webhook: %(error)s") % {"error": exc}
            )
    replies = sum(1 for a in rule.actions if a["type"] == "reply")
    try:
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
            if holds.is_held(conversation.pk):
                return "silent"  # a person took the conversation meanwhile
            limit = max_replies_per_hour(message.workspace_id)
            if replies and replies_in_last_hour(conversation.pk) + replies > limit:
                guard = _("guard: %(limit)s automated replies in the last hour")
                _write_run(rule, message, RunOutcome.SKIPPED, detail=guard % {"limit": limit})
                return "guarded"
            _write_run(rule, message, RunOutcome.DONE, replies=replies)
            for action in rule.actions:
                apply(action, message, context)
            AutomationRule.objects.filter(pk=rule.pk).update(
                hit_count=F("hit_count") + 1, last_hit_at=timezone.now()
            )
    except IntegrityError:
        if AutomationRun.objects.filter(rule=rule, message=message).exists():
            return "done before"  # a concurrent delivery of the same task won
        log.exception("automation %s failed on message %s", rule.pk, message.pk)
        _record_failure(rule, message, _("the database refused a change"))
        return "failed"
    except (ActionFailed, SendRejected) as exc:
        _record_failure(rule, message, str(exc))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - any bug in a rule is recorded, never raised
        log.exception("automation %s failed on message %s", rule.pk, message.pk)
        _record_failure(rule, message, f"{type(exc).__name__}: {exc}")
        return "failed"
    return "done"


def _phone(message: Message) -> str:
    contact_id = message.conversation.contact_id
    return recipient_addresses({contact_id}).get(contact_id, "")


def _write_run(
    rule: AutomationRule, message: Message, outcome: str, *, replies: int = 0, detail: str = ""
) -> AutomationRun:
    return AutomationRun.objects.create(
        rule=rule,
        workspace_id=rule.workspace_id,
        message=message,
        conversation_id=message.conversation_id,
        outcome=outcome,
        replies=replies,
        detail=detail[:DETAIL_MAX],
    )


def _count_error(rule: AutomationRule, reason: str) -> None:
    AutomationRule.objects.filter(pk=rule.pk).update(
        error_count=F("error_count") + 1,
        last_error=reason[:DETAIL_MAX],
        last_error_at=timezone.now(),
    )


def _record_failure(rule: AutomationRule, message: Message, reason: str) -> None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                _write_run(rule, message, RunOutcome.FAILED, detail=reason)
        except IntegrityError:
            pass  # recorded by an earlier delivery of the same task
        _count_error(rule, reason)


def _webhook_fallback(rule: AutomationRule, message: Message, webhook: dict, reason: str) -> str:
    """The webhook gave nothing usable: say so to the customer (the rule's fallback text)
    and hand the conversation to a person."""
    fallback = webhook.get("fallback_text") or ""
    try:
        with transaction.atomic():
            conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
            run = _write_run(rule, message, RunOutcome.FAILED, detail=reason)
            if fallback:
                try:
                    with transaction.atomic():
                        send_bot_message(conversation, {"type": "text", "text": fallback})
                    run.replies = 1
                    run.save(update_fields=["replies"])
                except SendRejected as exc:
                    refused = "; ".join(str(e) for e in exc.errors)
                    run.detail = (
                        _("%(reason)s; fallback refused: %(errors)s")
                        % {"reason": reason, "errors": refused}
                    )[:DETAIL_MAX]
                    run.save(update_fields=["detail"])
            holds.hand_off(conversation)
            _count_error(rule, reason)
    except IntegrityError:
        return "done before"
    return "handed off"
