"""The demo workspace's rule set: created once (seeding twice adds nothing) and working."""

from __future__ import annotations

from automations.models import AutomationRule
from demo.automations import ensure_automations
from inbox.models import Team

from .conftest import bot_messages, inbound


def test_demo_rules_are_idempotent_and_answer(workspace, manager, sms_channel, customer):
    team = Team.objects.create(workspace=workspace, name="Support")
    ensure_automations(workspace, manager, team)
    ensure_automations(workspace, manager, team)
    assert AutomationRule.objects.filter(workspace=workspace).count() == 6
    message, outcome = inbound(sms_channel, "What's my balance?")
    assert outcome == "done"
    assert "your balance is 1,234.50" in bot_messages(message.conversation)[-1].text
