"""The templates page and "send a template": workspace-scoped (404) and role-checked (403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_whatsapp.models import MessageTemplate
from inbox.models import Contact, Conversation

from .conftest import make_template, make_whatsapp_channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(workspace):
    return make_whatsapp_channel(workspace)


def page(channel):
    return reverse("whatsapp-templates", args=[channel.workspace.slug, channel.pk])


def test_an_admin_sees_the_templates_with_their_approval_state(client, admin_user, channel):
    MessageTemplate.objects.create(
        workspace=channel.workspace,
        channel=channel,
        name="order_update",
        language="en_US",
        category="UTILITY",
        status="REJECTED",
        rejected_reason="INVALID_FORMAT",
    )
    client.force_login(admin_user)
    response = client.get(page(channel))
    assert response.status_code == 200
    assert b"order_update" in response.content
    assert b"Rejected (INVALID_FORMAT)" in response.content


def test_an_admin_creates_a_draft(client, admin_user, channel):
    client.force_login(admin_user)
    response = client.post(
        page(channel),
        {
            "name": "hello",
            "language": "en_US",
            "category": "UTILITY",
            "body": "Hi {{1}}",
            "examples": "Ana",
        },
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get().status == "DRAFT"


@pytest.mark.parametrize("who", ["agent", "manager"])
def test_other_roles_get_403(client, request, who, channel):
    client.force_login(request.getfixturevalue(who))
    assert client.get(page(channel)).status_code == 403
    assert (
        client.post(reverse("whatsapp-templates-sync", args=["acme", channel.pk])).status_code
        == 403
    )


def test_another_workspace_gets_404(client, outsider, channel):
    client.force_login(outsider)
    assert client.get(page(channel)).status_code == 404


def test_an_admin_of_another_workspace_cannot_reach_this_channel(client, other_workspace, channel):
    from django.contrib.auth import get_user_model

    from inbox.models import Membership, Role

    boss = get_user_model().objects.create_user("boss", password="x")
    Membership.objects.create(workspace=other_workspace, user=boss, role=Role.ADMIN)
    client.force_login(boss)
    url = reverse("whatsapp-templates", args=[other_workspace.slug, channel.pk])
    assert client.get(url).status_code == 404


def test_sending_a_template_is_scoped_to_the_workspace(client, outsider, agent, channel):
    contact = Contact.objects.create(workspace=channel.workspace, name="Ana")
    conversation = Conversation.objects.create(
        workspace=channel.workspace, contact=contact, channel=channel
    )
    url = reverse("whatsapp-template-send", args=["acme", conversation.pk])
    client.force_login(outsider)
    assert client.post(url, {"template_id": 1}).status_code == 404


def test_the_channel_settings_page_links_to_its_templates_for_admins(
    client, admin_user, agent, channel
):
    settings_page = reverse("wsettings:channel_edit", args=["acme", channel.pk])
    client.force_login(admin_user)
    html = client.get(settings_page).content.decode()
    assert f'href="{page(channel)}" data-testid="channel-page-link"' in html
    assert settings_page in client.get(page(channel)).content.decode()
    client.force_login(agent)
    assert client.get(settings_page).status_code == 403


def test_an_agent_sends_an_approved_template_from_a_thread(client, agent, channel):
    template = make_template(channel, body="Hi {{1}}")
    contact = Contact.objects.create(workspace=channel.workspace, name="Ana")
    contact.identities.create(workspace=channel.workspace, kind="phone", value="+16505551234")
    conversation = Conversation.objects.create(
        workspace=channel.workspace, contact=contact, channel=channel
    )
    client.force_login(agent)
    url = reverse("whatsapp-template-send", args=["acme", conversation.pk])
    response = client.post(url, {"template_id": template.pk, "parameter": ["Ana"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:conversation", args=["acme", conversation.pk])
    assert conversation.messages.get().text == "Hi Ana"
