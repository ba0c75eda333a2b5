"""Data: a contact's export, erasure with typed confirmation, and the retention purge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from inbox.models import (
    AuditEntry,
    Consent,
    Contact,
    ContactIdentity,
    Conversation,
    InboundEvent,
    Message,
    Workspace,
)
from privacy.tasks import purge_expired_messages
from tests.web.fakes import inbound

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+15551230001"


def test_export_holds_the_contacts_data(admin_client, customer_message, channel, workspace):
    contact = customer_message.conversation.contact
    Consent.objects.create(
        workspace=workspace,
        channel=channel,
        address=PHONE,
        opted_out=True,
        keyword="STOP",
        source="keyword",
        changed_at=timezone.now(),
    )
    response = admin_client.get(f"/w/acme/settings/data/contacts/{contact.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert f'filename="contact-{contact.pk}.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["contact"]["id"] == contact.pk
    assert data["identities"] == [
        {"kind": "phone", "value": PHONE, "created_at": data["identities"][0]["created_at"]}
    ]
    assert data["consent"][0]["opted_out"] is True
    (conversation,) = data["conversations"]
    assert [m["text"] for m in conversation["messages"]] == ["My address is 1 Secret Lane"]
    assert AuditEntry.objects.get(action="contact.exported").target_id == str(contact.pk)


def test_search_finds_contacts_by_phone(admin_client, customer_message):
    body = admin_client.get("/w/acme/settings/data/?q=5551230001").content.decode()
    assert f'data-contact-id="{customer_message.conversation.contact_id}"' in body
    fragment = admin_client.get("/w/acme/settings/data/?q=nobody", HTTP_HX_REQUEST="true")
    assert 'data-testid="no-contacts"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_erasure_needs_the_typed_phrase(admin_client, customer_message):
    contact = customer_message.conversation.contact
    url = f"/w/acme/settings/data/contacts/{contact.pk}/erase/"
    page = admin_client.get(url)
    assert f"erase contact {contact.pk}" in page.content.decode()
    response = admin_client.post(url, {"confirmation": "yes"})
    assert response.status_code == 422
    assert f"Type “erase contact {contact.pk}” exactly" in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Message.objects.filter(pk=customer_message.pk).exists()


def test_erasure_deletes_contact_messages_media_and_raw_events(
    admin_client, customer_message, channel, workspace
):
    contact = customer_message.conversation.contact
    path = default_storage.save("inbound/erase-me.jpg", ContentFile(b"jpeg"))
    photo = Message.objects.create(
        workspace=workspace,
        conversation=customer_message.conversation,
        channel=channel,
        direction="inbound",
        author="contact",
        status="received",
        content={"type": "media", "url": "https://x.example/p.jpg", "stored_path": path},
    )
    InboundEvent.objects.create(
        channel=channel,
        kind="message",
        events=[["message", {"sender": PHONE}]],
        received_at=timezone.now(),
        applied_at=timezone.now(),
    )
    other = inbound(channel, "+15559990000", "someone else")

    url = f"/w/acme/settings/data/contacts/{contact.pk}/erase/"
    response = admin_client.post(url, {"confirmation": f"erase contact {contact.pk}"})
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactIdentity.objects.filter(value=PHONE).exists()
    assert not Conversation.objects.filter(contact_id=contact.pk).exists()
    assert not Message.objects.filter(pk__in=[customer_message.pk, photo.pk]).exists()
    assert not default_storage.exists(path)
    assert not InboundEvent.objects.filter(events__0__1__sender=PHONE).exists()
    assert Message.objects.filter(pk=other.pk).exists()  # only that contact

    entry = AuditEntry.objects.get(action="contact.erased")
    assert entry.target_id == str(contact.pk)
    assert entry.after["messages_deleted"] == 2
    flat = json.dumps([entry.before, entry.after, entry.target_label])
    assert PHONE not in flat and "Secret Lane" not in flat


def test_retention_setting_validates_and_is_audited(admin_client, workspace):
    bad = admin_client.post("/w/acme/settings/data/retention/", {"retention_days": "0"})
    assert bad.status_code == 422
    assert "at least 1 day" in bad.content.decode()
    bad = admin_client.post("/w/acme/settings/data/retention/", {"retention_days": "soon"})
    assert bad.status_code == 422
    assert "whole number of days" in bad.content.decode()
    ok = admin_client.post("/w/acme/settings/data/retention/", {"retention_days": "30"})
    assert ok.status_code == 302
    workspace.refresh_from_db()
    assert workspace.retention_days == 30
    entry = AuditEntry.objects.get(action="data.retention_changed")
    assert (entry.before, entry.after) == ({"retention_days": None}, {"retention_days": 30})


def test_retention_task_purges_only_old_messages_of_that_workspace(
    channel, workspace, other_workspace, monkeypatch
):
    from privacy.services import retention
    from tests.web.fakes import make_channel

    old = inbound(channel, "+15551110001", "old one")
    older = inbound(channel, "+15551110002", "older one")
    fresh = inbound(channel, "+15551110003", "fresh one")
    long_ago = timezone.now() - timedelta(days=40)
    Message.objects.filter(pk__in=[old.pk, older.pk]).update(created_at=long_ago)
    Conversation.objects.filter(pk=old.conversation_id).update(last_message_at=long_ago)
    elsewhere = inbound(make_channel(other_workspace, "G"), "+15551110004", "globex")
    Message.objects.filter(pk=elsewhere.pk).update(created_at=long_ago)
    Workspace.objects.filter(pk=workspace.pk).update(retention_days=30)

    monkeypatch.setattr(retention, "BATCH_SIZE", 1)  # several batches
    result = purge_expired_messages.run()
    assert result == {"acme": 2}
    assert set(Message.objects.values_list("pk", flat=True)) == {fresh.pk, elsewhere.pk}
    assert Conversation.objects.get(pk=old.conversation_id).last_message_preview == ""
