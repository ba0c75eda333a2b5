"""The demo workspace's automation rules: the balance / pay / agent dialog a telecom's
customers use from a payment reminder, in English and Spanish. Idempotent by name."""

from __future__ import annotations

from automations.models import AutomationRule
from automations.services.rules import create_rule
from inbox.models import MessageTemplate, Team, Workspace
from inbox.services.templates.save import save_template
from workspace_settings.models import AttributeType, ContactAttributeDefinition


def _chip(text: str, postback: str) -> dict:
    return {"type": "reply", "text": text, "postback": postback}


TEMPLATES = {
    "Automation: balance": {
        "type": "text",
        "text": "Hi {{first_name}}, your balance is {{balance}}.",
        "suggestions": [_chip("Pay now", "PAY"), _chip("Talk to a person", "AGENT")],
    },
    "Automation: pay": {
        "type": "text",
        "text": "Shall we charge {{balance}} to your card on file?",
        "suggestions": [_chip("Confirm", "PAY_CONFIRM"), _chip("Not now", "PAY_LATER")],
    },
    "Automation: paid": {"type": "text", "text": "Done, {{first_name}}: payment received."},
    "Automation: hand-off": {"type": "text", "text": "A person from our team will reply here."},
}


def ensure_automations(workspace: Workspace, actor, team: Team | None) -> None:
    ContactAttributeDefinition.objects.get_or_create(
        workspace=workspace,
        key="balance",
        defaults={"label": "Balance", "type": AttributeType.NUMBER},
    )
    templates = {}
    for name, content in TEMPLATES.items():
        found = MessageTemplate.objects.filter(workspace=workspace, name=name).first()
        templates[name] = found or save_template(
            workspace=workspace, actor=actor, name=name, content=content
        )

    def reply(name: str) -> dict:
        return {"type": "reply", "template_id": templates[name].pk}

    hand_off = [reply("Automation: hand-off"), {"type": "hand_off"}]
    if team is not None:
        hand_off.insert(1, {"type": "assign", "team_id": team.pk})
    rules = [
        ("Balance", "keyword", "balance\nsaldo", [reply("Automation: balance")]),
        ("Pay", "keyword", "pay\npagar", [reply("Automation: pay")]),
        ("Pay (chip)", "postback", "PAY", [reply("Automation: pay")]),
        ("Confirm payment", "postback", "PAY_CONFIRM",
         [reply("Automation: paid"), {"type": "resolve"}]),
        ("A person, please", "keyword", "agent\nagente\nperson\npersona", hand_off),
        ("A person (chip)", "postback", "AGENT", hand_off),
    ]  # fmt: skip
    for name, trigger, value, actions in rules:
        if not AutomationRule.objects.filter(workspace=workspace, name=name).exists():
            create_rule(
                workspace=workspace,
                actor=actor,
                data={"name": name, "trigger": trigger, "trigger_value": value, "actions": actions},
            )
