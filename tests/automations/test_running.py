"""Running a matched rule (automations.services.running): replies authored by the bot,
the other actions, first match wins, the reply guard, hand-off and an agent's reply
silencing automation until the conversation is resolved, and failures that are
recorded while the customer's message stays in the inbox."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from automations.models import AutomationHold, AutomationRun, HoldReason
from automations.services import rules as rule_service
from automations.services import running
from inbox.models import Author, ConversationStatus, Label, Message, Team
from inbox.services import conversation_status, send_message

from .conftest import bot_messages, inbound, make_rule


def test_keyword_answers_with_the_template_filled_for_the_contact(
    sms_channel, customer, dialog_rules
):
    message, outcome = inbound(sms_channel, "Hola, ¿cuál es mi SÁLDO?")
    assert outcome == "done"
    (reply,) = bot_messages(message.conversation)
    assert reply.author == Author.BOT and reply.direction == "outbound"
    assert reply.status == "queued"
    assert "Hola Ana, tu saldo es 1,234.50." in reply.text
    assert "Reply 1 for Pagar, 2 for Hablar con un agente" in reply.text  # SMS: numbered
    run = AutomationRun.objects.get(message=message)
    assert (run.rule.name, run.outcome, run.replies) == ("Balance", "done", 1)
    dialog_rules[0].refresh_from_db()
    assert dialog_rules[0].hit_count == 1 and dialog_rules[0].last_hit_at is not None


def test_sms_dialog_balance_pay_confirm_through_numbered_options(
    sms_channel, customer, dialog_rules
):
    first, _ = inbound(sms_channel, "saldo")
    conversation = first.conversation
    # "1" is the first option of the bot's reply: stored as the "Pagar" chip's tap.
    one, outcome = inbound(sms_channel, "1")
    assert one.content["type"] == "suggestion_response" and one.content["postback"] == "PAY"
    assert outcome == "done"  # the "pagar" keyword rule matched the chip's words
    assert "¿Confirmas el pago de 1,234.50?" in bot_messages(conversation)[-1].text
    confirm, outcome = inbound(sms_channel, "1")
    assert confirm.content["postback"] == "PAY_CONFIRM" and outcome == "done"
    assert "Listo Ana, pago registrado" in bot_messages(conversation)[-1].text
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.RESOLVED
    assert [r.rule.name for r in AutomationRun.objects.order_by("created_at", "pk")] == [
        "Balance",
        "Pay",
        "Confirm",
    ]


def test_no_match_does_nothing(sms_channel, customer, dialog_rules):
    message, outcome = inbound(sms_channel, "hola")
    assert outcome == "no candidates"
    assert bot_messages(message.conversation) == []
    assert not AutomationRun.objects.exists()


def test_consent_word_reaches_the_inbox_untouched(
    sms_channel, customer, workspace, admin_user, dialog_templates
):
    make_rule(
        workspace, admin_user, trigger="keyword", trigger_value="baja\nstop",
        actions=[{"type": "reply", "template_id": dialog_templates["handoff"].pk}],
    )  # fmt: skip
    message, outcome = inbound(sms_channel, "BAJA")
    assert outcome == "no candidates"
    assert Message.objects.filter(pk=message.pk, direction="inbound").exists()
    assert bot_messages(message.conversation) == []


def test_first_matching_rule_wins(sms_channel, customer, workspace, admin_user, dialog_templates):
    reply = {"type": "reply", "template_id": dialog_templates["handoff"].pk}
    first = make_rule(
        workspace, admin_user, trigger="keyword", trigger_value="saldo", actions=[reply]
    )
    make_rule(workspace, admin_user, trigger="keyword", trigger_value="saldo", actions=[reply])
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "done"
    assert len(bot_messages(message.conversation)) == 1
    assert list(AutomationRun.objects.values_list("rule_id", flat=True)) == [first.pk]


def test_a_task_delivered_twice_replies_once(sms_channel, customer, dialog_rules):
    message, _ = inbound(sms_channel, "saldo")
    again = running.run_for_message(str(message.pk), [dialog_rules[0].pk])
    assert again == "done before"
    assert len(bot_messages(message.conversation)) == 1


def test_reply_guard_caps_automated_replies_per_hour(
    sms_channel, customer, workspace, admin_user, dialog_rules
):
    rule_service.set_max_replies(workspace=workspace, actor=admin_user, max_replies_per_hour=2)
    outcomes = [inbound(sms_channel, "saldo")[1] for _ in range(4)]
    assert outcomes == ["done", "done", "guarded", "guarded"]
    conversation = Message.objects.filter(direction="inbound").first().conversation
    assert len(bot_messages(conversation)) == 2
    skipped = AutomationRun.objects.filter(outcome="skipped")
    assert skipped.count() == 2
    assert "2 automated replies in the last hour" in skipped.first().detail
    # An hour later the guard has room again.
    AutomationRun.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert inbound(sms_channel, "saldo")[1] == "done"


def test_hand_off_silences_automation_until_resolved(sms_channel, customer, agent, dialog_rules):
    message, outcome = inbound(sms_channel, "quiero un agente")
    conversation = message.conversation
    assert outcome == "done"
    assert AutomationHold.objects.get(conversation=conversation).reason == HoldReason.HANDED_OFF
    assert "Te comunico con una persona" in bot_messages(conversation)[-1].text
    assert inbound(sms_channel, "saldo")[1] == "silent"
    assert len(bot_messages(conversation)) == 1
    conversation_status.change_status(conversation, ConversationStatus.RESOLVED, actor=agent)
    # The receiver lifts the hold when the resolution is announced (after commit).
    from automations.receivers import on_status_changed

    conversation.refresh_from_db()
    on_status_changed(sender=None, conversation=conversation)
    assert inbound(sms_channel, "saldo")[1] == "done"


def test_an_agent_reply_silences_automation(sms_channel, customer, agent, dialog_rules):
    message, _ = inbound(sms_channel, "saldo")
    conversation = message.conversation
    reply = send_message(conversation, {"type": "text", "text": "Hola, soy Alicia"}, user=agent)
    from automations.receivers import on_message_changed

    on_message_changed(sender=Message, message=reply, created=True)
    assert AutomationHold.objects.get(conversation=conversation).reason == HoldReason.AGENT_REPLIED
    assert inbound(sms_channel, "pagar")[1] == "silent"


def test_an_erroring_rule_is_recorded_and_the_message_stays(
    sms_channel, customer, workspace, admin_user, dialog_templates
):
    broken = rule_service.create_rule(
        workspace=workspace, actor=admin_user,
        data={"name": "Needs a due date", "trigger": "keyword", "trigger_value": "saldo",
              "actions": [{"type": "add_label", "label_id": Label.objects.create(
                  workspace=workspace, name="vip").pk},
                  {"type": "reply", "template_id": dialog_templates["balance"].pk}]},
    )  # fmt: skip
    customer.attributes = {}  # the template's {{balance}} has no value now
    customer.save(update_fields=["attributes"])
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "failed"
    assert Message.objects.filter(pk=message.pk).exists()
    assert bot_messages(message.conversation) == []
    assert not message.conversation.labels.exists()  # the label before it was rolled back
    run = AutomationRun.objects.get(message=message)
    assert run.outcome == "failed" and "no value for {{balance}}" in run.detail
    broken.refresh_from_db()
    assert broken.error_count == 1 and "{{balance}}" in broken.last_error
    assert broken.hit_count == 0


def test_a_failure_is_recorded_in_the_workspace_language(
    sms_channel, customer, workspace, admin_user, dialog_templates
):
    """Stored once and read by the workspace's admins, as system notes are: a Spanish
    workspace's rule says why it failed in Spanish, whatever language the worker runs in."""
    from django.core.cache import cache

    workspace.language = "es"
    workspace.save(update_fields=["language"])
    cache.clear()  # the notes language is remembered for a minute
    label = Label.objects.create(workspace=workspace, name="vip")
    rule = rule_service.create_rule(
        workspace=workspace, actor=admin_user,
        data={"name": "Etiqueta", "trigger": "keyword", "trigger_value": "saldo",
              "actions": [{"type": "add_label", "label_id": label.pk}]},
    )  # fmt: skip
    label.delete()
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "failed"
    detail = AutomationRun.objects.get(message=message).detail
    assert detail == "añadir etiqueta: la etiqueta fue eliminada"
    rule.refresh_from_db()
    assert rule.last_error == detail


def test_actions_attribute_label_assign_snooze(sms_channel, customer, workspace, admin_user, agent):
    vip = Label.objects.create(workspace=workspace, name="vip")
    team = Team.objects.create(workspace=workspace, name="Billing")
    make_rule(
        workspace, admin_user, trigger="postback", trigger_value="order:", match_prefix=True,
        actions=[
            {"type": "set_attribute", "key": "balance", "value": "0"},
            {"type": "add_label", "label_id": vip.pk},
            {"type": "assign", "team_id": team.pk, "user_id": agent.pk},
            {"type": "snooze", "minutes": 30},
        ],
    )  # fmt: skip
    message, outcome = inbound(
        sms_channel, {"type": "suggestion_response", "text": "Yes", "postback": "order:42"}
    )
    assert outcome == "done"
    conversation = message.conversation
    conversation.refresh_from_db()
    customer.refresh_from_db()
    assert customer.attributes["balance"] == 0
    assert list(conversation.labels.values_list("name", flat=True)) == ["vip"]
    assert (conversation.team_id, conversation.assignee_id) == (team.pk, agent.pk)
    assert conversation.status == ConversationStatus.SNOOZED
    assert conversation.snoozed_until > timezone.now() + timedelta(minutes=29)


def test_conditions_label_attribute_channel(
    sms_channel, customer, workspace, admin_user, dialog_templates
):
    vip = Label.objects.create(workspace=workspace, name="vip")
    reply = {"type": "reply", "template_id": dialog_templates["handoff"].pk}
    make_rule(workspace, admin_user, trigger="keyword", trigger_value="hola",
              conditions={"label_ids": [vip.pk]}, actions=[reply])  # fmt: skip
    make_rule(workspace, admin_user, trigger="keyword", trigger_value="hola",
              conditions={"attribute": {"key": "balance", "value": "1234.5"},
                          "channel_ids": [sms_channel.pk]}, actions=[reply])  # fmt: skip
    message, outcome = inbound(sms_channel, "hola")
    assert outcome == "done"
    (run,) = AutomationRun.objects.all()
    assert run.rule.conditions.get("attribute")  # the label rule did not hold: no label yet
    customer.labels.add(vip)
    message, _ = inbound(sms_channel, "hola")
    assert AutomationRun.objects.get(message=message).rule.conditions.get("label_ids")


def test_new_conversation_trigger(sms_channel, customer, workspace, admin_user, dialog_templates):
    reply = {"type": "reply", "template_id": dialog_templates["handoff"].pk}
    make_rule(workspace, admin_user, trigger="new_conversation", actions=[reply])
    assert inbound(sms_channel, "primera vez")[1] == "done"
    assert inbound(sms_channel, "segunda vez")[1] == "no match"


def test_disabled_rules_do_not_run(sms_channel, customer, workspace, admin_user, dialog_rules):
    for rule in dialog_rules:
        rule_service.set_enabled(rule=rule, actor=admin_user, enabled=False)
    assert inbound(sms_channel, "saldo")[1] == "no candidates"


def test_an_opted_out_customer_gets_no_reply_and_the_rule_says_why(
    sms_channel, customer, workspace, dialog_rules
):
    from inbox.services.consent import record_consent

    message, _ = inbound(sms_channel, "hola", run=False)
    record_consent(sms_channel, customer.identities.first().value, opted_out=True, source="test")
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "failed"
    assert bot_messages(message.conversation) == []
    assert "opted out" in AutomationRun.objects.get(message=message).detail.lower()
