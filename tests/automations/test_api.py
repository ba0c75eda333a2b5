"""The automations API: list, create, edit, delete; admin scope only, workspace-scoped,
every refusal a 422 with its reasons and nothing saved, every change audited."""

from __future__ import annotations

import pytest

from automations.models import AutomationRule
from inbox.models import AuditEntry
from inbox.services.tokens import create_api_token
from tests.api.conftest import bearer_client

pytestmark = pytest.mark.django_db


def _client(user, workspace, scopes=("admin",)):
    return bearer_client(create_api_token(user, workspace, "t", scopes=list(scopes))[1])


@pytest.fixture
def api(admin_user, workspace):
    return _client(admin_user, workspace)


def _body(templates, **extra):
    return {
        "name": "Balance",
        "trigger": "keyword",
        "trigger_value": "saldo\nbalance",
        "actions": [{"type": "reply", "template_id": templates["balance"].pk}],
        **extra,
    }


def test_create_list_edit_delete(api, dialog_templates):
    created = api.post(
        "/api/v1/automations", _body(dialog_templates), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    (listed,) = api.get("/api/v1/automations").json()
    assert listed["id"] == rule_id and listed["trigger"] == "keyword"
    assert listed["is_enabled"] is True and listed["hit_count"] == 0
    assert listed["actions"] == [{"type": "reply", "template_id": dialog_templates["balance"].pk}]
    edited = api.patch(
        f"/api/v1/automations/{rule_id}",
        {"is_enabled": False, "trigger_value": "saldo"},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["is_enabled"] is False and edited.json()["trigger_value"] == "saldo"
    assert edited.json()["name"] == "Balance"  # left out: unchanged
    assert api.delete(f"/api/v1/automations/{rule_id}").status_code == 204
    assert not AutomationRule.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["automation.created", "automation.updated", "automation.deleted"]


def test_refusals_list_every_reason_and_save_nothing(api, dialog_templates, other_workspace):
    from inbox.models import Label

    foreign = Label.objects.create(workspace=other_workspace, name="theirs")
    body = _body(
        dialog_templates,
        trigger="postback",
        trigger_value="",
        conditions={"label_ids": [foreign.pk], "business_hours": "sometimes"},
        actions=[{"type": "reply", "template_id": 0}, {"type": "teleport"},
                 {"type": "webhook", "url": "ftp://billing"}],
    )  # fmt: skip
    refused = api.post("/api/v1/automations", body, content_type="application/json")
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert any(e.startswith("trigger_value:") for e in errors)
    assert "conditions.label_ids: unknown label" in errors
    assert any(e.startswith("conditions.business_hours") for e in errors)
    assert "actions[0].template_id: unknown template" in errors
    assert any(e.startswith("actions[1].type") for e in errors)
    assert any(e.startswith("actions[2].url") for e in errors)
    assert not AutomationRule.objects.exists()


def test_a_duplicate_name_is_a_422(api, dialog_templates):
    assert (
        api.post(
            "/api/v1/automations", _body(dialog_templates), content_type="application/json"
        ).status_code
        == 201
    )
    again = api.post(
        "/api/v1/automations", _body(dialog_templates), content_type="application/json"
    )
    assert again.status_code == 422
    assert "already exists" in again.json()["errors"][0]


def test_another_workspace_rule_is_a_404(api, dialog_templates, other_workspace, outsider):
    theirs = AutomationRule.objects.create(
        workspace=other_workspace, name="Theirs", trigger="keyword", trigger_value="x",
        actions=[{"type": "resolve"}],
    )  # fmt: skip
    assert (
        api.patch(
            f"/api/v1/automations/{theirs.pk}",
            {"is_enabled": False},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/automations/{theirs.pk}").status_code == 404
    assert api.get("/api/v1/automations").json() == []
    theirs.refresh_from_db()
    assert theirs.is_enabled


def test_read_and_send_tokens_are_refused(manager, workspace, dialog_templates):
    client = _client(manager, workspace, scopes=("read", "send"))
    assert client.get("/api/v1/automations").status_code == 403
    refused = client.post(
        "/api/v1/automations", _body(dialog_templates), content_type="application/json"
    )
    assert refused.status_code == 403
    assert not AutomationRule.objects.exists()


def test_a_webhook_credential_is_write_only(api, dialog_templates):
    webhook = {"type": "webhook", "url": "http://127.0.0.1:9/balance"}  # allowed in tests
    body = _body(dialog_templates, webhook_secret="Bearer t0ken")
    body["actions"] = [webhook, *body["actions"]]
    created = api.post("/api/v1/automations", body, content_type="application/json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    listed = api.get("/api/v1/automations")
    assert "t0ken" not in listed.content.decode()
    (rule,) = listed.json()
    assert rule["has_webhook_secret"] is True
    assert rule["actions"][0]["auth_header"] == "Authorization"
    cleared = api.patch(
        f"/api/v1/automations/{rule_id}", {"webhook_secret": ""}, content_type="application/json"
    )
    assert cleared.status_code == 200 and cleared.json()["has_webhook_secret"] is False
