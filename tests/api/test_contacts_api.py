"""API v1 contacts and segments (contacts/api.py): upsert by phone, scopes, tenancy."""

from __future__ import annotations

import json

import pytest

from inbox.models import Contact, Label, Segment
from inbox.services.contact_book import upsert_contact
from inbox.services.tokens import create_api_token
from workspace_settings.models import AttributeType, ContactAttributeDefinition

from .conftest import bearer_client

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def balance(workspace):
    return ContactAttributeDefinition.objects.create(
        workspace=workspace, key="balance", label="Balance", type=AttributeType.NUMBER
    )


def test_upsert_answers_201_then_200_with_the_e164_number(api, balance):
    body = {
        "phone": "55 1234 5678",
        "country": "MX",
        "name": "Luis",
        "labels": ["late"],
        "attributes": {"balance": "120.5"},
        "consent": True,
    }
    created = post(api, "/api/v1/contacts", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["phone"], data["country"], data["labels"]) == ("+525512345678", "MX", ["late"])
    assert data["attributes"] == {"balance": 120.5}
    again = post(api, "/api/v1/contacts", {"phone": "+525512345678", "email": "l@example.com"})
    assert again.status_code == 200
    assert again.json()["id"] == data["id"] and again.json()["name"] == "Luis"


def test_bad_input_is_a_422_naming_the_fields(api, balance):
    answer = post(api, "/api/v1/contacts", {"phone": "12", "attributes": {"balance": "x"}})
    assert answer.status_code == 422
    assert any(e.startswith("phone:") for e in answer.json()["errors"])


def test_read_get_patch_and_list_with_filters(api, workspace, balance):
    contact, _ = upsert_contact(
        workspace, phone="+34612345678", name="Ana", labels=["vip"], source="api"
    )
    upsert_contact(workspace, phone="+34612345679", name="Bea", source="api")
    page = api.get("/api/v1/contacts", {"label": "vip"}).json()
    assert [c["name"] for c in page["items"]] == ["Ana"]
    assert [c["name"] for c in api.get("/api/v1/contacts", {"q": "bea"}).json()["items"]] == ["Bea"]
    first = api.get("/api/v1/contacts", {"limit": 1}).json()
    second = api.get("/api/v1/contacts", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [first["items"][0]["name"], second["items"][0]["name"]] == ["Bea", "Ana"]
    assert api.get(f"/api/v1/contacts/{contact.pk}").json()["phone"] == "+34612345678"
    patched = api.patch(
        f"/api/v1/contacts/{contact.pk}",
        data=json.dumps({"labels": []}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["labels"] == []


def test_segments_are_saved_with_their_count_and_filter_the_list(api, workspace, balance):
    upsert_contact(workspace, phone="+34612345678", attributes={"balance": 5}, source="api")
    upsert_contact(workspace, phone="+34612345679", attributes={"balance": 0}, source="api")
    answer = post(
        api,
        "/api/v1/segments",
        {"name": "Owes", "filter": {"attributes": [{"key": "balance", "op": "gt", "value": 0}]}},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["count"] == 1
    listed = api.get("/api/v1/contacts", {"segment_id": answer.json()["id"]}).json()["items"]
    assert [c["phone"] for c in listed] == ["+34612345678"]
    assert [s["count"] for s in api.get("/api/v1/segments").json()] == [1]
    bad = post(api, "/api/v1/segments", {"name": "Bad", "filter": {"labels": ["nope"]}})
    assert bad.status_code == 422


def test_scopes(agent, workspace):
    reader = bearer_client(create_api_token(agent, workspace, "r", scopes=["read"])[1])
    assert reader.get("/api/v1/contacts").status_code == 200
    assert post(reader, "/api/v1/contacts", {"phone": "+34612345678"}).status_code == 403
    assert post(reader, "/api/v1/segments", {"name": "x", "filter": {}}).status_code == 403
    contact, _ = upsert_contact(workspace, phone="+34612345678", source="api")
    sender = bearer_client(create_api_token(agent, workspace, "s", scopes=["read", "send"])[1])
    assert sender.delete(f"/api/v1/contacts/{contact.pk}").status_code == 403


def test_delete_erases_with_an_admin_token(admin_user, workspace):
    contact, _ = upsert_contact(workspace, phone="+34612345678", source="api")
    admin = bearer_client(create_api_token(admin_user, workspace, "a", scopes=["admin"])[1])
    assert admin.delete(f"/api/v1/contacts/{contact.pk}").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_another_workspace_s_contacts_and_segments_are_invisible(outsider_api, workspace):
    contact, _ = upsert_contact(workspace, phone="+34612345678", labels=["vip"], source="api")
    segment = Segment.objects.create(workspace=workspace, name="All", filter={})
    assert outsider_api.get(f"/api/v1/contacts/{contact.pk}").status_code == 404
    assert (
        outsider_api.patch(
            f"/api/v1/contacts/{contact.pk}", data="{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert outsider_api.get("/api/v1/contacts").json()["items"] == []
    assert outsider_api.get("/api/v1/segments").json() == []
    assert outsider_api.get("/api/v1/contacts", {"segment_id": segment.pk}).status_code == 404
    assert outsider_api.get("/api/v1/contacts", {"label": "vip"}).json()["items"] == []
    # Their upsert of the same number makes their own contact, never touches ours.
    theirs = post(outsider_api, "/api/v1/contacts", {"phone": "+34612345678", "labels": ["x"]})
    assert theirs.status_code == 201 and theirs.json()["id"] != contact.pk
    assert Label.objects.filter(name="x").get().workspace_id != workspace.pk
