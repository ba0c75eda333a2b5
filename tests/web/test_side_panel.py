"""The side panel over real requests: the contact with consent and attributes, labels,
and merging contacts (managers only; 404 for another workspace) (inbox/views/side_panel.py)."""

from __future__ import annotations

import pytest

from inbox.models import AuditEntry, Contact, Conversation, Label
from inbox.services.consent import record_consent

from .fakes import inbound
from .test_composer import find, one, text_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_labels_from_the_side_panel(agent_client, workspace, other_workspace, conversation):
    vip = Label.objects.create(workspace=workspace, name="vip", colour="#aa0000")
    Label.objects.create(workspace=workspace, name="billing")
    foreign = Label.objects.create(workspace=other_workspace, name="globex")
    url = f"/w/acme/c/{conversation.pk}/labels/"
    response = agent_client.post(url, {"label": [str(vip.pk)]}, **HTMX)
    assert response.status_code == 200
    checked = [e for e in find(response.text, "label-checkbox") if "checked" in e["attrs"]]
    assert [e["attrs"]["value"] for e in checked] == [str(vip.pk)]
    assert list(conversation.labels.all()) == [vip]
    bad = agent_client.post(url, {"label": [str(vip.pk), str(foreign.pk)]}, **HTMX)
    assert bad.status_code == 422 and find(bad.text, "panel-errors")
    assert list(conversation.labels.all()) == [vip]
    head = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/head/").text
    assert [e["text"] for e in find(head, "label-badge")] == ["vip"]


def test_side_panel_shows_identities_consent_attributes(agent_client, channel, conversation):
    contact = conversation.contact
    contact.attributes = {"plan": "gold"}
    contact.save()
    record_consent(channel, "+15551230001", opted_out=True, source="keyword", keyword="stop")
    html = agent_client.get(f"/w/acme/fragments/c/{conversation.pk}/panel/").text
    assert text_of(html, "identity").startswith("+15551230001")
    consent = one(html, "consent")
    assert consent["attrs"]["data-opted-out"] == "true"
    assert "opted out (STOP)" in " ".join(consent["text"].split())
    assert "plan" in text_of(html, "attributes") and "gold" in text_of(html, "attributes")
    assert not find(html, "merge-search")  # agents cannot merge


@pytest.fixture
def duplicate(channel, conversation):
    return inbound(channel, "+15551230002", "It's me again, other phone").conversation


def test_merge_needs_manager_and_folds_into_the_oldest(
    client, agent_client, manager, conversation, duplicate
):
    url = f"/w/acme/c/{duplicate.pk}/merge/"
    data = {"contact": str(conversation.contact_id)}
    assert agent_client.post(url, data, **HTMX).status_code == 403
    assert agent_client.get(f"/w/acme/c/{duplicate.pk}/merge/candidates/?q=1555").status_code == 403
    client.force_login(manager)
    found = client.get(f"/w/acme/c/{duplicate.pk}/merge/candidates/?q=+1555123").text
    assert len(find(found, "merge-button")) == 1  # the other contact, not itself
    response = client.post(url, data, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/w/acme/c/{conversation.pk}/"
    assert not Conversation.objects.filter(pk=duplicate.pk).exists()
    assert conversation.messages.filter(direction="inbound").count() == 2
    assert AuditEntry.objects.filter(action="contact.merged", actor=manager).count() == 1


def test_merge_bad_input(client, manager, conversation, other_conversation):
    client.force_login(manager)
    url = f"/w/acme/c/{conversation.pk}/merge/"
    for value in ("", "abc", str(other_conversation.contact_id), str(conversation.contact_id)):
        response = client.post(url, {"contact": value}, **HTMX)
        assert response.status_code == 422, value
    assert Contact.objects.filter(pk=other_conversation.contact_id).exists()


def test_merge_is_404_for_outsiders_and_other_workspaces(
    client, outsider, manager, conversation, other_conversation
):
    client.force_login(outsider)
    assert client.post(f"/w/acme/c/{conversation.pk}/merge/", {"contact": "1"}).status_code == 404
    client.force_login(manager)
    other = other_conversation.pk
    contact = str(conversation.contact_id)
    assert client.post(f"/w/acme/c/{other}/merge/", {"contact": contact}).status_code == 404
    assert client.get(f"/w/acme/c/{other}/merge/candidates/?q=15").status_code == 404
    assert client.get(f"/w/globex/c/{other}/merge/candidates/?q=15").status_code == 404
    assert Conversation.objects.filter(pk=other).exists()
