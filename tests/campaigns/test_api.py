"""The templates and campaigns API: the documented shapes, scopes, roles and tenants."""

from __future__ import annotations

import pytest

from inbox.models import Campaign, Message, MessageTemplate
from inbox.services.campaigns import expansion
from inbox.services.tokens import create_api_token
from tests.api.conftest import bearer_client

from .conftest import make_contact

pytestmark = pytest.mark.django_db

CONTENT = {
    "type": "text",
    "text": "Hola {{first_name}}, you owe {{balance}}.",
    "suggestions": [{"type": "reply", "text": "My balance"}],
}


def _client(user, workspace, scopes=("read", "send")):
    return bearer_client(create_api_token(user, workspace, "t", scopes=list(scopes))[1])


@pytest.fixture
def api(manager, workspace):
    return _client(manager, workspace)


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _new_campaign(client, template_id, channel, audience):
    body = {"name": "c", "template_id": template_id, "channel_id": channel.pk}
    return _post(client, "/api/v1/campaigns", {**body, "audience": audience})


def test_a_template_is_created_read_edited_and_deleted(api, workspace, definitions, sms_channel):
    created = _post(api, "/api/v1/templates", {"name": "Reminder", "content": CONTENT})
    assert created.status_code == 201, created.content
    template_id = created.json()["id"]
    body = api.get(f"/api/v1/templates/{template_id}").json()
    assert body["sms_text"] == "Hola {{first_name}}, you owe {{balance}}.\nReply 1 for My balance"
    assert body["sms_segments"] == 1 and body["use_case"] == "other"
    edited = api.patch(
        f"/api/v1/templates/{template_id}",
        {"sms_text": "Pay {{balance}}"},
        content_type="application/json",
    )
    assert edited.status_code == 200 and edited.json()["sms_text_edited"] is True
    assert [t["id"] for t in api.get("/api/v1/templates").json()] == [template_id]
    assert api.delete(f"/api/v1/templates/{template_id}").status_code == 204
    assert not MessageTemplate.objects.exists()


def test_a_template_with_an_unknown_placeholder_is_a_422(api, definitions):
    content = {"type": "text", "text": "Hola {{nickname}}"}
    response = _post(api, "/api/v1/templates", {"name": "x", "content": content})
    assert response.status_code == 422
    assert "{{nickname}}" in response.json()["errors"][0]


def test_the_gallery_creates_in_one_call(api, workspace):
    response = _post(api, "/api/v1/templates/gallery", {"use_case": "payment_reminder"})
    assert response.status_code == 201
    template = MessageTemplate.objects.get(pk=response.json()["id"])
    assert template.workspace == workspace and template.content["type"] == "card"
    assert "Reply 1 for My balance, 2 for Talk to an agent" in template.sms_text


def test_a_campaign_is_created_launched_and_counted(api, workspace, definitions, sms_channel):
    contacts = [make_contact(workspace, n) for n in range(1, 4)]
    template_id = _post(api, "/api/v1/templates", {"name": "R", "content": CONTENT}).json()["id"]
    created = _new_campaign(
        api, template_id, sms_channel, {"contact_ids": [c.pk for c in contacts]}
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    campaign_id = created.json()["id"]
    preview = api.get(f"/api/v1/campaigns/{campaign_id}/preview").json()
    assert preview["recipients"] == 3 and preview["excluded"] == {}
    launched = _post(api, f"/api/v1/campaigns/{campaign_id}/launch", {})
    assert launched.status_code == 202 and launched.json()["status"] == "running"
    expansion.run_expansion(campaign_id)
    again = _post(api, f"/api/v1/campaigns/{campaign_id}/launch", {})
    assert again.status_code == 202 and again.json()["status"] == "completed"
    body = api.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert body["status"] == "completed"
    assert body["stats"]["recipients"] == 3 and body["stats"]["queued"] == 3
    assert set(body["stats"]) >= {
        "recipients",
        "excluded",
        "sent",
        "delivered",
        "read",
        "failed",
        "fell_back",
    }
    assert Message.objects.count() == 3
    assert _post(api, f"/api/v1/campaigns/{campaign_id}/resume", {}).status_code == 409
    # A template in use cannot be deleted.
    assert api.delete(f"/api/v1/templates/{template_id}").status_code == 409


def test_an_audience_with_an_unknown_segment_is_a_422(api, workspace, definitions, sms_channel):
    template_id = _post(api, "/api/v1/templates", {"name": "R", "content": CONTENT}).json()["id"]
    response = _new_campaign(api, template_id, sms_channel, {"segment_id": 999})
    assert response.status_code == 422
    assert response.json()["errors"] == ["audience.segment_id: no such segment"]


def test_an_agent_token_may_read_but_not_write(agent, workspace, definitions):
    client = _client(agent, workspace)
    assert client.get("/api/v1/templates").status_code == 200
    response = _post(client, "/api/v1/templates", {"name": "R", "content": CONTENT})
    assert response.status_code == 403
    assert response.json()["errors"] == ["role: campaigns need an admin or a manager"]


def test_another_workspace_sees_nothing(api, outsider, other_workspace, workspace, sms_channel):
    template = MessageTemplate.objects.create(
        workspace=workspace, name="mine", content={"type": "text", "text": "hi"}
    )
    campaign = Campaign.objects.create(
        workspace=workspace, name="c", template=template, channel=sms_channel, audience={}
    )
    theirs = _client(outsider, other_workspace)
    assert theirs.get(f"/api/v1/templates/{template.pk}").status_code == 404
    assert theirs.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 404
    assert theirs.get("/api/v1/templates").json() == []
    # The outsider is that workspace's agent: give them a manager's role to try writes.
    from inbox.models import Membership

    Membership.objects.filter(user=outsider).update(role="manager")
    assert _post(theirs, f"/api/v1/campaigns/{campaign.pk}/launch", {}).status_code == 404
    assert theirs.delete(f"/api/v1/templates/{template.pk}").status_code == 404
    response = _new_campaign(theirs, template.pk, sms_channel, {"contact_ids": []})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {
        "template_id: no such template",
        "channel_id: no such channel",
    }
