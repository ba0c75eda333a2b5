"""The compiled rules each process keeps: a change is seen at once by the process that
made it and, through the Redis version token, by the others within the recheck time;
and the out-of-hours trigger, which is checked against the workspace's schedule."""

from __future__ import annotations

import uuid

from automations import rule_cache
from automations.models import AutomationRule
from automations.services import rules as rule_service
from inbox.models import BusinessHours
from inbox.redis_client import client

from .conftest import inbound, make_rule


def test_a_change_is_seen_after_commit(
    workspace, admin_user, dialog_templates, django_capture_on_commit_callbacks
):
    assert not rule_cache.rules_for(workspace.pk)
    with django_capture_on_commit_callbacks(execute=True):
        rule = make_rule(
            workspace, admin_user, trigger="keyword", trigger_value="saldo",
            actions=[{"type": "reply", "template_id": dialog_templates["balance"].pk}],
        )  # fmt: skip
    assert [k.id for k in rule_cache.rules_for(workspace.pk).keys] == [rule.pk]
    with django_capture_on_commit_callbacks(execute=True):
        rule_service.set_enabled(rule=rule, actor=admin_user, enabled=False)
    assert not rule_cache.rules_for(workspace.pk)


def test_another_process_sees_the_new_version(workspace, settings):
    settings.AUTOMATION_RULES_RECHECK_SECONDS = 0  # recheck the version on every call
    assert not rule_cache.rules_for(workspace.pk)
    AutomationRule.objects.bulk_create(  # another process's write: no signal here
        [AutomationRule(workspace=workspace, name="r", trigger="keyword", trigger_value="hola",
                        actions=[{"type": "resolve"}])]
    )  # fmt: skip
    assert not rule_cache.rules_for(workspace.pk)  # the version token did not move...
    # ...until the writing process bumps it after its commit (a fresh token: Redis
    # outlives the test database, whose workspace ids come back).
    client().set(rule_cache.VERSION_KEY.format(workspace.pk), uuid.uuid4().hex)
    assert len(rule_cache.rules_for(workspace.pk).keys) == 1


def test_out_of_hours_trigger(sms_channel, customer, workspace, admin_user, dialog_templates):
    reply = {"type": "reply", "template_id": dialog_templates["handoff"].pk}
    make_rule(workspace, admin_user, trigger="out_of_hours", actions=[reply])
    hours = BusinessHours.objects.create(workspace=workspace, enabled=True, weekly={})
    assert inbound(sms_channel, "hola")[1] == "done"  # never open: always closed
    hours.weekly = {str(d): [["00:00", "24:00"]] for d in range(7)}
    hours.save()
    assert inbound(sms_channel, "hola otra vez")[1] == "no match"
