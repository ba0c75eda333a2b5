"""Agents fill in a contact's name, email and custom fields from the side panel: values
typed by the workspace's definitions, nothing saved when any is invalid, other tenants'
contacts out of reach, and the panel showing definition labels in settings order."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inbox import realtime
from inbox.models import AuditEntry, Contact
from tests.web.fakes import inbound, make_channel
from tests.web.test_composer import find, one
from workspace_settings.models import AttributeType, ContactAttributeDefinition
from workspace_settings.services.contact_attributes import coerce

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def conversation(workspace, page_adapter):
    return inbound(make_channel(workspace), "+15551230001", "Hello").conversation


@pytest.fixture
def other_conversation(other_workspace, page_adapter):
    channel = make_channel(other_workspace, name="Globex SMS")
    return inbound(channel, "+15559990001", "Globex secret").conversation


@pytest.fixture
def fields(workspace):
    """Created out of label order so the panel's order is visibly the definitions'."""
    make = ContactAttributeDefinition.objects.create
    return {
        "vip": make(workspace=workspace, key="vip", label="VIP", type=AttributeType.BOOL),
        "plan": make(workspace=workspace, key="plan", label="Plan tier"),
        "renewal": make(
            workspace=workspace, key="renewal", label="Renewal date", type=AttributeType.DATE
        ),
        "seats": make(workspace=workspace, key="seats", label="Seats", type=AttributeType.NUMBER),
    }


@pytest.fixture
def published(monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(realtime, "conversation_changed", lambda conv: seen.append(conv.pk))
    return seen


def edit_url(contact) -> str:
    return f"/w/{contact.workspace.slug}/contacts/{contact.pk}/edit/"


def valid_post(**overrides) -> dict:
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "attr_plan": " Gold ",
        "attr_seats": "12",
        "attr_renewal": "2030-01-31",
        "attr_vip": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- the domain rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (AttributeType.TEXT, "  Gold ", "Gold"),
        (AttributeType.TEXT, "", None),
        (AttributeType.NUMBER, "42", 42),
        (AttributeType.NUMBER, "-2.5", -2.5),
        (AttributeType.NUMBER, "3.000", 3),
        (AttributeType.NUMBER, "", None),
        (AttributeType.DATE, "2024-02-29", "2024-02-29"),
        (AttributeType.DATE, "", None),
        (AttributeType.BOOL, "on", True),
        (AttributeType.BOOL, "", False),
        (AttributeType.BOOL, None, False),
    ],
)
def test_coerce_stores_json_friendly_values(kind, raw, stored):
    definition = ContactAttributeDefinition(key="x", label="X", type=kind)
    value = coerce(definition, raw)
    assert value == stored and type(value) is type(stored)


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (AttributeType.NUMBER, "twelve", "Enter a number."),
        (AttributeType.NUMBER, "1e400", ""),
        (AttributeType.NUMBER, "NaN", "Enter a number."),
        (AttributeType.DATE, "31/01/2030", "Enter a date as YYYY-MM-DD."),
        (AttributeType.DATE, "2023-02-29", "Enter a date as YYYY-MM-DD."),
        (AttributeType.TEXT, "x" * 501, "at most 500"),
    ],
)
def test_coerce_refuses_values_of_the_wrong_type(kind, raw, message):
    definition = ContactAttributeDefinition(key="x", label="X", type=kind)
    with pytest.raises(ValidationError) as caught:
        coerce(definition, raw)
    assert message in " ".join(caught.value.messages)


# --- the endpoint ---------------------------------------------------------------------


def test_form_has_one_typed_input_per_definition(client, agent, conversation, fields):
    contact = conversation.contact
    contact.attributes = {"seats": 3, "renewal": "2029-05-01", "vip": True, "plan": "Basic"}
    contact.save()
    client.force_login(agent)
    html = client.get(edit_url(contact), **HTMX).text
    inputs = {e["attrs"]["name"]: e["attrs"] for e in _inputs(html)}
    assert inputs["attr_seats"]["type"] == "number" and inputs["attr_seats"]["value"] == "3"
    assert inputs["attr_renewal"]["type"] == "date"
    assert inputs["attr_renewal"]["value"] == "2029-05-01"
    assert inputs["attr_vip"]["type"] == "checkbox" and "checked" in inputs["attr_vip"]
    assert inputs["attr_plan"]["type"] == "text" and inputs["attr_plan"]["value"] == "Basic"
    assert inputs["email"]["type"] == "email"
    # Settings order (by label): Plan tier, Renewal date, Seats, VIP.
    order = [n for n in inputs if n.startswith("attr_")]
    assert order == ["attr_plan", "attr_renewal", "attr_seats", "attr_vip"]


def test_agent_saves_typed_values_and_unknown_keys_survive(
    client, agent, conversation, fields, published
):
    contact = conversation.contact
    contact.attributes = {"legacy_id": "A-17", "plan": "Basic"}
    contact.save()
    client.force_login(agent)
    response = client.post(edit_url(contact), valid_post(), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#side-panel"
    assert one(response.text, "side-panel")
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Ada Lovelace", "ada@example.com")
    assert contact.attributes == {
        "legacy_id": "A-17",
        "plan": "Gold",
        "seats": 12,
        "renewal": "2030-01-31",
        "vip": True,
    }
    assert published == [conversation.pk]
    entry = AuditEntry.objects.get(action="contact.updated")
    assert entry.actor == agent and entry.before["attributes"]["plan"] == "Basic"


def test_cleared_fields_are_removed_and_unchecked_is_false(
    client, manager, conversation, fields, published
):
    contact = conversation.contact
    contact.attributes = {"plan": "Gold", "seats": 4, "vip": True, "legacy": 1}
    contact.save()
    client.force_login(manager)
    data = valid_post(attr_plan="", attr_seats="", attr_renewal="", attr_vip=None)
    assert client.post(edit_url(contact), data, **HTMX).status_code == 200
    contact.refresh_from_db()
    assert contact.attributes == {"vip": False, "legacy": 1}


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("attr_seats", "a dozen"),
        ("attr_renewal", "next tuesday"),
        ("email", "not-an-email"),
        ("name", "n" * 201),
    ],
)
def test_invalid_input_is_422_with_the_reason_and_saves_nothing(
    client, agent, conversation, fields, published, field, raw
):
    contact = conversation.contact
    contact.attributes = {"plan": "Basic"}
    contact.save()
    client.force_login(agent)
    response = client.post(edit_url(contact), valid_post(**{field: raw}), **HTMX)
    assert response.status_code == 422
    assert find(response.text, f"contact-error-{field}")
    assert find(response.text, "contact-edit-errors")
    fresh = Contact.objects.get(pk=contact.pk)
    assert (fresh.name, fresh.email, fresh.attributes) == ("", "", {"plan": "Basic"})
    assert published == [] and not AuditEntry.objects.filter(action="contact.updated").exists()


def test_another_workspaces_contact_is_404(
    client, agent, outsider, conversation, other_conversation
):
    client.force_login(agent)
    foreign = other_conversation.contact
    # Their contact id under our workspace, and our slug for a non-member: both unknown.
    assert client.get(f"/w/acme/contacts/{foreign.pk}/edit/", **HTMX).status_code == 404
    assert client.post(f"/w/acme/contacts/{foreign.pk}/edit/", valid_post()).status_code == 404
    assert client.get(edit_url(foreign)).status_code == 404
    client.force_login(outsider)
    assert client.get(edit_url(conversation.contact)).status_code == 404
    assert client.post(edit_url(conversation.contact), valid_post()).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "" and conversation.contact.name == ""


def test_every_role_may_edit_so_there_is_no_403(
    client, agent, manager, admin_user, conversation, published
):
    for user in (agent, manager, admin_user):
        client.force_login(user)
        assert client.get(edit_url(conversation.contact), **HTMX).status_code == 200
        response = client.post(edit_url(conversation.contact), {"name": user.username})
        assert response.status_code == 302
        assert response["Location"] == f"/w/acme/c/{conversation.pk}/"
        assert Contact.objects.get(pk=conversation.contact_id).name == user.username


def test_anonymous_is_sent_to_login(client, conversation):
    response = client.get(edit_url(conversation.contact))
    assert response.status_code == 302 and "login" in response["Location"]


def test_full_page_without_htmx(client, agent, conversation, fields):
    client.force_login(agent)
    html = client.get(edit_url(conversation.contact)).text
    assert "<html" in html and one(html, "contact-edit-form")


# --- the side panel -------------------------------------------------------------------


def panel(client, conversation) -> str:
    return client.get(f"/w/acme/fragments/c/{conversation.pk}/panel/").text


def test_panel_shows_labels_in_definition_order_then_unknown_keys(
    client, agent, conversation, fields
):
    contact = conversation.contact
    contact.attributes = {
        "zeta": "z",
        "vip": False,
        "seats": 12,
        "alpha": "a",
        "plan": "Gold",
    }
    contact.save()
    client.force_login(agent)
    html = panel(client, conversation)
    labels = [e["text"].strip() for e in find(html, "attribute-label")]
    values = [e["text"].strip() for e in find(html, "attribute-value")]
    assert labels == ["Plan tier", "Seats", "VIP", "alpha", "zeta"]
    assert values == ["Gold", "12", "No", "a", "z"]
    opener = one(html, "contact-edit-open")
    assert opener["attrs"]["hx-get"] == edit_url(contact)


def test_panel_query_count_does_not_grow_with_fields(
    client, agent, workspace, conversation, fields, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(20) as few:
        panel(client, conversation)
    for n in range(10):
        ContactAttributeDefinition.objects.create(workspace=workspace, key=f"k{n}", label=f"K{n}")
    contact = conversation.contact
    contact.attributes = {f"k{n}": n for n in range(10)} | {f"x{n}": n for n in range(10)}
    contact.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = panel(client, conversation)
    assert len(find(html, "attribute")) == 20


def _inputs(html: str) -> list[dict]:
    """Every <input> with a name, in document order (find() only sees data-testid)."""
    from html.parser import HTMLParser

    found: list[dict] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            named = dict(attrs)
            if tag == "input" and named.get("name") and named.get("type") != "hidden":
                found.append({"attrs": named})

    Collect().feed(html)
    return found
