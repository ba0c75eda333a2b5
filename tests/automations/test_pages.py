"""The automations admin page: admins only (agents and managers 403, other workspaces
404), the builder with htmx action rows, enable/disable in place, trying a rule, the
last matches, the reply guard; every change in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from automations.models import AutomationPolicy, AutomationRule
from inbox.models import AuditEntry

from .conftest import inbound

pytestmark = pytest.mark.django_db

BASE = "/w/acme/settings/automations/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(admin_user):
    return _client(admin_user)


@pytest.fixture
def rule(workspace, dialog_rules):
    return dialog_rules[0]


def _urls(rule):
    gets = [BASE, f"{BASE}new/", f"{BASE}{rule.pk}/", f"{BASE}action-row/?type=reply",
            f"{BASE}action-row/removed/"]  # fmt: skip
    posts = [BASE, f"{BASE}new/", f"{BASE}{rule.pk}/", f"{BASE}{rule.pk}/toggle/",
             f"{BASE}{rule.pk}/try/", f"{BASE}{rule.pk}/delete/"]  # fmt: skip
    return gets, posts


def test_agents_and_managers_get_403(agent, manager, rule):
    gets, posts = _urls(rule)
    for user in (agent, manager):
        client = _client(user)
        assert [client.get(u).status_code for u in gets] == [403] * len(gets)
        assert [client.post(u).status_code for u in posts] == [403] * len(posts)
    assert AutomationRule.objects.filter(pk=rule.pk, is_enabled=True).exists()


def test_other_workspaces_get_404(outsider, rule):
    client = _client(outsider)
    gets, posts = _urls(rule)
    assert [client.get(u).status_code for u in gets] == [404] * len(gets)
    assert [client.post(u).status_code for u in posts] == [404] * len(posts)
    assert AutomationRule.objects.filter(pk=rule.pk).exists()


def test_another_workspaces_rule_is_404_for_an_admin(admin, other_workspace):
    theirs = AutomationRule.objects.create(
        workspace=other_workspace, name="Theirs", trigger="keyword", trigger_value="x",
        actions=[{"type": "resolve"}],
    )  # fmt: skip
    assert admin.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert admin.post(f"{BASE}{theirs.pk}/toggle/").status_code == 404
    assert admin.post(f"{BASE}{theirs.pk}/delete/").status_code == 404
    assert AutomationRule.objects.filter(pk=theirs.pk, is_enabled=True).exists()


def test_list_shows_rules_hits_and_errors(admin, sms_channel, customer, dialog_rules):
    inbound(sms_channel, "saldo")
    page = admin.get(BASE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="rule-row"') == len(dialog_rules)
    assert 'data-testid="rule-hits">1<' in html
    assert 'aria-current="page">Automations' in html


def test_build_a_rule_with_rows(admin, workspace, dialog_templates):
    row = admin.get(f"{BASE}action-row/?type=webhook")
    assert row.status_code == 200 and b'name="action"' in row.content
    assert admin.get(f"{BASE}action-row/?type=teleport").status_code == 404
    posted = admin.post(
        f"{BASE}new/",
        {
            "name": "Balance", "is_enabled": "on", "trigger": "keyword",
            "trigger_value": "saldo\nbalance",
            "action": ["k1", "k2", "k3"],
            "k1-type": "webhook", "k1-url": "http://127.0.0.1:9/balance",
            "k1-attributes": "balance = account.balance", "k1-fallback_text": "Sorry",
            "k2-type": "reply", "k2-template_id": str(dialog_templates["balance"].pk),
            "k3-type": "hand_off",
        },
    )  # fmt: skip
    assert posted.status_code == 302, posted.content.decode()[:2000]
    rule = AutomationRule.objects.get(name="Balance")
    assert [a["type"] for a in rule.actions] == ["webhook", "reply", "hand_off"]
    assert rule.actions[0]["attributes"] == {"balance": "account.balance"}
    assert AuditEntry.objects.filter(action="automation.created", target_id=str(rule.pk)).exists()
    edit = admin.get(f"{BASE}{rule.pk}/").content.decode()
    assert "balance = account.balance" in edit and 'data-testid="action-row"' in edit


def test_refusals_show_every_reason_and_keep_the_rows(admin, workspace):
    posted = admin.post(
        f"{BASE}new/",
        {"name": "", "trigger": "postback", "trigger_value": "", "action": ["k1"],
         "k1-type": "snooze", "k1-minutes": "0"},
    )  # fmt: skip
    assert posted.status_code == 422
    html = posted.content.decode()
    assert "name: 1 to 100 characters" in html
    assert "actions[0].minutes" in html
    assert 'name="k1-minutes"' in html  # the row is still there
    assert not AutomationRule.objects.exists()


def test_toggle_in_place_is_audited(admin, rule):
    row = admin.post(f"{BASE}{rule.pk}/toggle/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and b'data-testid="enable-rule"' in row.content
    rule.refresh_from_db()
    assert not rule.is_enabled
    admin.post(f"{BASE}{rule.pk}/toggle/", {"enabled": "on"}, HTTP_HX_REQUEST="true")
    rule.refresh_from_db()
    assert rule.is_enabled
    actions = AuditEntry.objects.filter(target_id=str(rule.pk)).values_list("action", flat=True)
    assert {"automation.disabled", "automation.enabled"} <= set(actions)


def test_try_a_rule(admin, rule, dialog_rules):
    yes = admin.post(f"{BASE}{rule.pk}/try/", {"text": "¿mi SÁLDO?"})
    assert b"Matches." in yes.content and b"tu saldo es {{balance}}" in yes.content
    no = admin.post(f"{BASE}{rule.pk}/try/", {"text": "hola"})
    assert b"Does not match." in no.content
    stop = admin.post(f"{BASE}{rule.pk}/try/", {"text": "STOP"})
    assert b"consent keyword" in stop.content
    pay = dialog_rules[1]
    first = admin.post(f"{BASE}{pay.pk}/try/", {"text": "saldo y pagar"})
    assert "“Balance” comes first".encode() in first.content


def test_last_matches_on_the_rule_page(admin, sms_channel, customer, rule):
    inbound(sms_channel, "mi saldo por favor")
    html = admin.get(f"{BASE}{rule.pk}/").content.decode()
    assert "mi saldo por favor" in html and "1 hit" in html


def test_reply_guard_is_saved_and_audited(admin, workspace):
    assert admin.post(BASE, {"max_replies_per_hour": "3"}).status_code == 302
    assert AutomationPolicy.objects.get(workspace=workspace).max_replies_per_hour == 3
    assert AuditEntry.objects.filter(action="automation.guard_changed").exists()
    assert admin.post(BASE, {"max_replies_per_hour": "0"}).status_code == 422
    assert admin.post(BASE, {"max_replies_per_hour": "many"}).status_code == 422


def test_delete(admin, rule):
    assert admin.post(f"{BASE}{rule.pk}/delete/").status_code == 302
    assert not AutomationRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.filter(action="automation.deleted").exists()


def test_reorder_on_the_page(admin, dialog_rules):
    pay = dialog_rules[1]
    page = admin.get(f"{BASE}{pay.pk}/").content.decode()
    assert 'name="position"' in page
    posted = admin.post(
        f"{BASE}{pay.pk}/",
        {"name": pay.name, "position": "0", "is_enabled": "on", "trigger": "keyword",
         "trigger_value": pay.trigger_value, "action": ["k1"], "k1-type": "resolve"},
    )  # fmt: skip
    assert posted.status_code == 302
    pay.refresh_from_db()
    assert pay.position == 0 and pay.actions == [{"type": "resolve"}]
    first = admin.post(f"{BASE}{dialog_rules[0].pk}/try/", {"text": "saldo y pagar"})
    assert "“Pay” comes first".encode() in first.content


def test_the_webhook_credential_is_typed_never_shown_and_removable(admin, workspace):
    fields = {
        "name": "Balance", "is_enabled": "on", "trigger": "keyword", "trigger_value": "saldo",
        "action": ["k1"], "k1-type": "webhook", "k1-url": "http://127.0.0.1:9/balance",
        "k1-fallback_text": "Sorry", "k1-auth_header": "Authorization",
    }  # fmt: skip
    assert admin.post(f"{BASE}new/", {**fields, "k1-secret": "Bearer zz9"}).status_code == 302
    rule = AutomationRule.objects.get(name="Balance")
    assert rule.webhook_secret == "Bearer zz9"
    edit = admin.get(f"{BASE}{rule.pk}/").content.decode()
    assert "zz9" not in edit and 'data-testid="webhook-secret-clear"' in edit
    assert admin.post(f"{BASE}{rule.pk}/", fields).status_code == 302  # blank: kept
    rule.refresh_from_db()
    assert rule.webhook_secret == "Bearer zz9"
    cleared = {**fields, "k1-clear_secret": "on"}
    assert admin.post(f"{BASE}{rule.pk}/", cleared).status_code == 302
    rule.refresh_from_db()
    assert rule.webhook_secret == ""
