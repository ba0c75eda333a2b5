"""Token scopes, expiry and member deactivation, as the REST API enforces them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inbox.api.app import api as inbox_api
from inbox.models import (
    ApiToken,
    Campaign,
    CampaignRecipient,
    ContactImport,
    Membership,
    Message,
    MessageTemplate,
    Role,
)
from inbox.models.api_token import TokenScope
from inbox.services.tokens import TokenError, authenticate, create_api_token

from .conftest import bearer_client

# Every operation of the API and the scope it needs. A new operation must be added here,
# or test_every_operation_is_listed fails: no endpoint ships without a scope decision.
OPERATIONS = {
    ("get", "/api/v1/conversations"): TokenScope.READ,
    ("get", "/api/v1/conversations/{conversation_id}/messages"): TokenScope.READ,
    ("post", "/api/v1/conversations/{conversation_id}/messages"): TokenScope.SEND,
    ("get", "/api/v1/messages/{message_id}"): TokenScope.READ,
    ("post", "/api/v1/conversations"): TokenScope.SEND,
    ("post", "/api/v1/contacts/import"): TokenScope.SEND,  # and a manager or admin
    ("get", "/api/v1/contact-imports/{import_id}"): TokenScope.READ,
    ("get", "/api/v1/contacts"): TokenScope.READ,
    ("post", "/api/v1/contacts"): TokenScope.SEND,
    ("get", "/api/v1/contacts/{contact_id}"): TokenScope.READ,
    ("patch", "/api/v1/contacts/{contact_id}"): TokenScope.SEND,
    # Erasure cannot be undone: only an admin's admin-scoped token may ask for it.
    ("delete", "/api/v1/contacts/{contact_id}"): TokenScope.ADMIN,
    ("get", "/api/v1/segments"): TokenScope.READ,
    ("post", "/api/v1/segments"): TokenScope.SEND,
    # Templates and campaigns: writes and controls also need a manager or an admin
    # (tests/campaigns/test_api.py).
    ("get", "/api/v1/templates"): TokenScope.READ,
    ("post", "/api/v1/templates"): TokenScope.SEND,
    ("post", "/api/v1/templates/gallery"): TokenScope.SEND,
    ("get", "/api/v1/templates/{template_id}"): TokenScope.READ,
    ("patch", "/api/v1/templates/{template_id}"): TokenScope.SEND,
    ("delete", "/api/v1/templates/{template_id}"): TokenScope.SEND,
    ("post", "/api/v1/campaigns"): TokenScope.SEND,
    ("get", "/api/v1/campaigns/{campaign_id}"): TokenScope.READ,
    ("get", "/api/v1/campaigns/{campaign_id}/preview"): TokenScope.READ,
    ("post", "/api/v1/campaigns/{campaign_id}/launch"): TokenScope.SEND,
    ("post", "/api/v1/campaigns/{campaign_id}/pause"): TokenScope.SEND,
    ("post", "/api/v1/campaigns/{campaign_id}/resume"): TokenScope.SEND,
    ("post", "/api/v1/campaigns/{campaign_id}/cancel"): TokenScope.SEND,
    ("post", "/api/v1/campaigns/{campaign_id}/conversions"): TokenScope.SEND,
    # Automation rules answer customers and call the workspace's systems: admins only.
    ("get", "/api/v1/automations"): TokenScope.ADMIN,
    ("post", "/api/v1/automations"): TokenScope.ADMIN,
    ("patch", "/api/v1/automations/{rule_id}"): TokenScope.ADMIN,
    ("delete", "/api/v1/automations/{rule_id}"): TokenScope.ADMIN,
}
# The status a campaign needs for each control to be allowed.
CONTROL_FROM = {"launch": "draft", "pause": "running", "resume": "paused", "cancel": "draft"}
SEND_BODY = {"type": "text", "text": "Your order shipped"}


def _client(user, workspace, scopes, **kwargs):
    return bearer_client(create_api_token(user, workspace, "t", scopes=scopes, **kwargs)[1])


def _call(client, method, path, conversation, message):
    url = path.replace("{conversation_id}", str(conversation.pk))
    url = url.replace("{message_id}", str(message.pk))
    url = url.replace("{contact_id}", str(conversation.contact_id))
    if "{import_id}" in url:
        contact_import = ContactImport.objects.create(workspace_id=conversation.workspace_id)
        url = url.replace("{import_id}", str(contact_import.pk))
    if "{template_id}" in url or "{campaign_id}" in url or path == "/api/v1/campaigns":
        template = MessageTemplate.objects.create(
            workspace_id=conversation.workspace_id,
            name=f"t{MessageTemplate.objects.count()}",
            content=SEND_BODY,
            sms_text=SEND_BODY["text"],
        )
        url = url.replace("{template_id}", str(template.pk))
        if path == "/api/v1/campaigns":
            body = {
                "name": "c",
                "template_id": template.pk,
                "channel_id": conversation.channel_id,
                "audience": {"contact_ids": [conversation.contact_id]},
            }
            return client.post(url, body, content_type="application/json")
        if "{campaign_id}" in url:
            action = path.rsplit("/", 1)[-1]
            campaign = Campaign.objects.create(
                workspace_id=conversation.workspace_id,
                name="c",
                template=template,
                channel_id=conversation.channel_id,
                audience={"contact_ids": [conversation.contact_id]},
                status=CONTROL_FROM.get(action, "draft"),
            )
            url = url.replace("{campaign_id}", str(campaign.pk))
            if action == "conversions":  # the conversation's contact got its message
                CampaignRecipient.objects.filter(message=message).update(message=None)
                CampaignRecipient.objects.create(
                    campaign=campaign, contact_id=conversation.contact_id, message=message
                )
                body = {"contact_id": conversation.contact_id}
                return client.post(url, body, content_type="application/json")
    if path.startswith("/api/v1/automations"):
        return _call_automations(client, method, url, conversation)
    if path == "/api/v1/templates/gallery":
        return client.post(url, {"use_case": "one_time_code"}, content_type="application/json")
    if (method, path) == ("post", "/api/v1/templates"):
        body = {"name": "New", "content": SEND_BODY}
        return client.post(url, body, content_type="application/json")
    if path == "/api/v1/contacts/import":
        csv_file = SimpleUploadedFile("c.csv", b"phone\n+14155550123\n", content_type="text/csv")
        return client.post(url, {"file": csv_file})
    if (method, path) == ("post", "/api/v1/contacts"):
        return client.post(url, {"phone": "+14155550177"}, content_type="application/json")
    if method == "patch":
        return client.patch(url, {"name": "Ana"}, content_type="application/json")
    if method == "delete":
        return client.delete(url)
    if (method, path) == ("post", "/api/v1/segments"):
        body = {"name": "Everyone", "filter": {}}
        return client.post(url, body, content_type="application/json")
    if (method, path) == ("post", "/api/v1/conversations"):
        body = {"phone": "+14155550123", "channel_id": conversation.channel_id, **SEND_BODY}
        return client.post(url, body, content_type="application/json")
    if method == "post":
        return client.post(url, SEND_BODY, content_type="application/json")
    return client.get(url)


def _call_automations(client, method, url, conversation):
    from automations.models import AutomationRule

    body = {"name": "r", "trigger": "keyword", "trigger_value": "hola",
            "actions": [{"type": "resolve"}]}  # fmt: skip
    if "{rule_id}" in url:
        rule = AutomationRule.objects.create(
            workspace_id=conversation.workspace_id,
            name=f"r{AutomationRule.objects.count()}",
            trigger="keyword",
            trigger_value="x", actions=[{"type": "resolve"}],
        )  # fmt: skip
        url = url.replace("{rule_id}", str(rule.pk))
    if method == "post":
        return client.post(url, body, content_type="application/json")
    if method == "patch":
        return client.patch(url, {"is_enabled": False}, content_type="application/json")
    if method == "delete":
        return client.delete(url)
    return client.get(url)


def test_every_operation_is_listed():
    schema = inbox_api.get_openapi_schema()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), list(OPERATIONS))
def test_scope_is_enforced_on_every_operation(
    agent, manager, admin_user, workspace, conversation, method, path
):
    if path == "/api/v1/contacts/import" or path.startswith(
        ("/api/v1/templates", "/api/v1/campaigns")
    ):
        agent = manager  # these also need the role (tests/api/test_contact_imports.py)
    if OPERATIONS[(method, path)] == TokenScope.ADMIN:
        agent = admin_user  # only an admin may hold the admin scope
    message = Message.objects.filter(conversation=conversation).first()
    needed = OPERATIONS[(method, path)]
    others = [s for s in (TokenScope.READ, TokenScope.SEND) if s != needed]

    refused = _call(_client(agent, workspace, others), method, path, conversation, message)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Forbidden",
        "errors": [f"scope: this operation needs {needed.value!r}"],
    }

    allowed = _call(_client(agent, workspace, [needed]), method, path, conversation, message)
    assert allowed.status_code in (200, 201, 202, 204), allowed.content


def test_every_operation_declares_its_403_in_openapi():
    schema = inbox_api.get_openapi_schema()
    for (method, path), _scope in OPERATIONS.items():
        assert 403 in schema["paths"][path][method]["responses"], (method, path)


def test_a_read_only_token_cannot_send(agent, workspace, conversation):
    client = _client(agent, workspace, [TokenScope.READ])
    before = Message.objects.count()
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        SEND_BODY,
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Message.objects.count() == before
    assert client.get("/api/v1/conversations").status_code == 200


def test_a_send_only_token_cannot_read(agent, workspace, conversation):
    client = _client(agent, workspace, [TokenScope.SEND])
    assert client.get("/api/v1/conversations").status_code == 403
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        SEND_BODY,
        content_type="application/json",
    )
    assert response.status_code == 201


def test_the_admin_scope_covers_read_and_send(admin_user, workspace, conversation):
    client = _client(admin_user, workspace, [TokenScope.ADMIN])
    assert client.get("/api/v1/conversations").status_code == 200
    response = client.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        SEND_BODY,
        content_type="application/json",
    )
    assert response.status_code == 201


def test_only_an_admin_can_hold_the_admin_scope(agent, workspace):
    with pytest.raises(TokenError, match="admin"):
        create_api_token(agent, workspace, "t", scopes=[TokenScope.ADMIN])
    assert not ApiToken.objects.exists()


def test_a_demoted_admin_keeps_no_admin_power(admin_user, workspace):
    row, raw = create_api_token(admin_user, workspace, "t", scopes=[TokenScope.ADMIN])
    assert authenticate(raw).allows(TokenScope.ADMIN)
    Membership.objects.filter(user=admin_user).update(role=Role.AGENT)
    token = authenticate(raw)
    assert not token.allows(TokenScope.ADMIN)
    assert token.allows(TokenScope.READ) and token.allows(TokenScope.SEND)


def test_unknown_or_empty_scopes_are_refused(agent, workspace):
    with pytest.raises(TokenError, match="unknown scope"):
        create_api_token(agent, workspace, "t", scopes=["write"])
    with pytest.raises(TokenError, match="at least one"):
        create_api_token(agent, workspace, "t", scopes=[])


def test_tokens_default_to_read_and_send(token):
    row, _ = token
    assert row.scopes == ["read", "send"]
    assert row.expires_at is None


def test_an_expired_token_is_401(agent, workspace, conversation):
    row, raw = create_api_token(
        agent, workspace, "t", expires_at=timezone.now() + timedelta(hours=1)
    )
    client = bearer_client(raw)
    assert client.get("/api/v1/conversations").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/conversations")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_an_expiry_in_the_past_is_refused(agent, workspace):
    with pytest.raises(TokenError, match="future"):
        create_api_token(agent, workspace, "t", expires_at=timezone.now() - timedelta(days=1))


def test_a_deactivated_members_token_is_401(agent, workspace, token, conversation):
    client = bearer_client(token[1])
    assert client.get("/api/v1/conversations").status_code == 200
    # Only the membership flag: the user's account stays active (they may belong to other
    # workspaces), and the token row is left unrevoked, so the lookup itself must refuse.
    Membership.objects.filter(user=agent, workspace=workspace).update(is_active=False)
    assert client.get("/api/v1/conversations").status_code == 401
    assert ApiToken.objects.get(pk=token[0].pk).revoked_at is None


def test_deactivation_in_another_workspace_does_not_stop_this_token(
    agent, workspace, other_workspace, token
):
    Membership.objects.create(user=agent, workspace=other_workspace, is_active=False)
    assert bearer_client(token[1]).get("/api/v1/conversations").status_code == 200


def test_a_deactivated_member_cannot_get_a_token(agent, workspace):
    Membership.objects.filter(user=agent, workspace=workspace).update(is_active=False)
    with pytest.raises(TokenError, match="not a member"):
        create_api_token(agent, workspace, "t")
