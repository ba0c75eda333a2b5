"""The composer's template picker, through the adapter's generic hooks (composer_templates,
template_content): outside the 24-hour window the picker opens, an approved template with
its variables filled is sent, and free-form text is refused with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import Direction, Message

from .conftest import make_template, make_whatsapp_channel

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
OUTSIDE = "content: outside the 24-hour window: choose a template"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def _url(name, conversation):
    return reverse(name, args=[conversation.workspace.slug, conversation.pk])


def _outbound():
    return list(Message.objects.filter(direction=Direction.OUTBOUND))


def test_outside_the_window_the_picker_offers_approved_templates_only(
    agent_client, conversation, approved
):
    make_template(conversation.channel, "spring_sale", "PENDING")
    html = agent_client.get(
        reverse("inbox:conversation", args=["acme", conversation.pk])
    ).content.decode()
    assert 'data-testid="template-picker" open' in html
    assert 'data-testid="template-needed"' in html
    assert "order_update (en_US)" in html
    assert "spring_sale" not in html


def test_picking_an_approved_template_sends_it_with_its_variables(
    agent_client, conversation, approved
):
    data = {
        "text": "",
        "template": str(approved.pk),
        "template_value": ["Ana", "42", ""],
    }
    preview = agent_client.post(_url("inbox:preview", conversation), data, **HTMX)
    assert "Hi Ana, order 42 shipped" in preview.content.decode()
    assert OUTSIDE not in preview.content.decode()

    response = agent_client.post(_url("inbox:reply", conversation), data, **HTMX)
    assert response.status_code == 200, response.content.decode()
    [message] = _outbound()
    assert message.text == "Hi Ana, order 42 shipped"
    assert message.content["template"] == {
        "name": "order_update",
        "language": "en_US",
        "parameters": ["Ana", "42"],
    }


def test_free_form_text_is_refused_with_the_reason(agent_client, conversation, approved):
    response = agent_client.post(
        _url("inbox:reply", conversation), {"text": "Hello again!"}, **HTMX
    )
    assert response.status_code == 422
    assert OUTSIDE in response.content.decode()
    assert _outbound() == []


def test_a_template_missing_a_variable_is_refused(agent_client, conversation, approved):
    data = {"template": str(approved.pk), "template_value": ["Ana"]}
    response = agent_client.post(_url("inbox:reply", conversation), data, **HTMX)
    assert response.status_code == 422
    assert "content.template.parameters: 1 given, the template has 2" in response.content.decode()
    assert _outbound() == []


def test_another_channels_template_is_not_sent(agent_client, conversation, workspace):
    other = make_whatsapp_channel(workspace)
    foreign = make_template(other, "other_line", "APPROVED", body="Hello")
    data = {"text": "", "template": str(foreign.pk)}
    response = agent_client.post(_url("inbox:reply", conversation), data, **HTMX)
    assert response.status_code == 422
    assert _outbound() == []


def test_another_workspace_cannot_send_a_template_here(client, outsider, conversation, approved):
    client.force_login(outsider)
    data = {"template": str(approved.pk), "template_value": ["Ana", "42"]}
    assert client.post(_url("inbox:reply", conversation), data, **HTMX).status_code == 404
    assert _outbound() == []
