"""What erasure and retention used to leave behind: the contact's old values in the audit
log, the files agents sent them (still served), and webhook delivery bodies holding their
message texts. Each is gone now, while the facts (audit entries, delivery log rows) stay."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inbox import media_links, signals
from inbox.models import AuditEntry, Contact, Message, Workspace
from inbox.services import attachments, audit
from inbox.services.sending import send_message
from privacy.services import retention
from tests.support.media import PNG, use_temporary_storage
from tests.web.fakes import inbound
from workspace_settings.models import DeliveryStatus, WebhookDelivery
from workspace_settings.services import webhook_endpoints
from workspace_settings.services.contact_attributes import update_contact

pytestmark = pytest.mark.django_db
PHONE = "+15551230001"
OLD_NAME, OLD_EMAIL, OLD_PLAN = "Ann Oldname", "ann@old.example", "platinum-secret"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    return use_temporary_storage(settings, tmp_path)


@pytest.fixture
def hook(workspace):
    webhook, _secret = webhook_endpoints.create_webhook(
        workspace, None, url="https://hooks.example.com/in", events=["message.created"]
    )
    return webhook


def emit_created(message: Message) -> WebhookDelivery:
    signals.send(signals.message_changed, Message, message=message, created=True)
    return WebhookDelivery.objects.filter(body__contains=str(message.pk)).latest("created_at")


def edited_contact(contact: Contact, admin_user) -> Contact:
    """An agent's edits: the audit log now quotes the old and new name, email, attributes."""
    Contact.objects.filter(pk=contact.pk).update(
        name=OLD_NAME, email=OLD_EMAIL, attributes={"plan": OLD_PLAN}
    )
    contact.refresh_from_db()
    return update_contact(
        contact, name="Ann New", email="ann@new.example", values={}, known=[], actor=admin_user
    )


def sent_photo(conversation, workspace) -> tuple[Message, str]:
    upload = attachments.store(workspace.pk, SimpleUploadedFile("photo.png", PNG))
    message = send_message(conversation, {"type": "media", "url": upload.url}, author="agent")
    return message, upload.path


def erase(admin_client, contact, capture) -> None:
    with capture(execute=True):
        response = admin_client.post(
            f"/w/acme/settings/data/contacts/{contact.pk}/erase/",
            {"confirmation": f"erase contact {contact.pk}"},
        )
    assert response.status_code == 302


def test_after_erasure_the_audit_log_no_longer_shows_the_contacts_values(
    admin_client, admin_user, customer_message, django_capture_on_commit_callbacks
):
    contact = edited_contact(customer_message.conversation.contact, admin_user)
    page = admin_client.get("/w/acme/settings/audit/").text
    assert OLD_NAME in page and OLD_EMAIL in page and OLD_PLAN in page  # as it was

    erase(admin_client, contact, django_capture_on_commit_callbacks)

    page = admin_client.get("/w/acme/settings/audit/").text
    for value in (OLD_NAME, OLD_EMAIL, OLD_PLAN, "Ann New", "ann@new.example", PHONE):
        assert value not in page, value
    entry = AuditEntry.objects.get(action="contact.updated")  # the fact is kept
    assert entry.actor_id == admin_user.pk and entry.target_id == str(contact.pk)
    assert entry.before == {
        "name": audit.ERASED,
        "email": audit.ERASED,
        "attributes": {"plan": audit.ERASED},
        "language": audit.ERASED,  # the customer's language is theirs too
    }
    erased = AuditEntry.objects.get(action="contact.erased")
    assert erased.after["audit_entries_redacted"] == 1


def test_other_contacts_audit_entries_are_untouched(
    admin_client, admin_user, customer_message, channel, django_capture_on_commit_callbacks
):
    other = inbound(channel, "+15559990000", "someone else").conversation.contact
    update_contact(other, name="Bob Keep", email="", values={}, known=[], actor=admin_user)
    erase(admin_client, customer_message.conversation.contact, django_capture_on_commit_callbacks)
    assert AuditEntry.objects.get(target_id=str(other.pk)).after["name"] == "Bob Keep"


def test_erasure_deletes_the_files_agents_sent_the_contact(
    admin_client, customer_message, workspace, django_capture_on_commit_callbacks
):
    message, path = sent_photo(customer_message.conversation, workspace)
    url = media_links.member_url(path)
    assert admin_client.get(url).status_code == 200

    erase(admin_client, customer_message.conversation.contact, django_capture_on_commit_callbacks)

    assert not Message.objects.filter(pk=message.pk).exists()
    assert not default_storage.exists(path)
    assert admin_client.get(url).status_code == 404
    signed = media_links.signed_url(path).removeprefix("https://inbox.example.com")
    assert admin_client.get(signed).status_code == 404


def test_erasure_blanks_the_webhook_bodies_that_carried_the_contacts_messages(
    admin_client, hook, customer_message, channel, django_capture_on_commit_callbacks
):
    theirs = emit_created(customer_message)
    WebhookDelivery.objects.filter(pk=theirs.pk).update(status=DeliveryStatus.DELIVERED)
    pending = emit_created(
        send_message(
            customer_message.conversation,
            {"type": "text", "text": "Re: 1 Secret Lane"},
            author="agent",
        )
    )
    someone_else = emit_created(inbound(channel, "+15559990000", "keep this text"))

    erase(admin_client, customer_message.conversation.contact, django_capture_on_commit_callbacks)

    for delivery in (theirs, pending):
        delivery.refresh_from_db()
        body = json.loads(delivery.body)
        assert "Secret Lane" not in delivery.body and PHONE not in delivery.body
        assert body["data"] == {"erased": True}
        assert (body["id"], body["event"]) == (str(delivery.pk), "message.created")
    assert theirs.status == DeliveryStatus.DELIVERED  # the log still says it was delivered
    assert pending.status == DeliveryStatus.FAILED and "erased" in pending.error
    assert pending.next_attempt_at is None  # never sent blank
    someone_else.refresh_from_db()
    assert "keep this text" in someone_else.body


def test_retention_purges_files_webhook_bodies_and_old_audit_values(
    hook, admin_user, customer_message, channel, workspace, django_capture_on_commit_callbacks
):
    conversation = customer_message.conversation
    contact = edited_contact(conversation.contact, admin_user)
    old_photo, old_path = sent_photo(conversation, workspace)
    old_delivery = emit_created(customer_message)
    fresh = inbound(channel, PHONE, "fresh text")
    fresh_delivery = emit_created(fresh)
    long_ago = timezone.now() - timedelta(days=40)
    Message.objects.filter(pk__in=[customer_message.pk, old_photo.pk]).update(created_at=long_ago)
    AuditEntry.objects.filter(action="contact.updated").update(created_at=long_ago)
    # A status change after the cutoff about the old message carries its text too.
    late = emit_created(customer_message)
    WebhookDelivery.objects.filter(pk=old_delivery.pk).update(created_at=long_ago)
    Workspace.objects.filter(pk=workspace.pk).update(retention_days=30)
    workspace.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_workspace(workspace) == 2

    assert not default_storage.exists(old_path)
    for delivery in (old_delivery, late):
        delivery.refresh_from_db()
        assert "Secret Lane" not in delivery.body, delivery.created_at
    fresh_delivery.refresh_from_db()
    assert "fresh text" in fresh_delivery.body
    entry = AuditEntry.objects.get(action="contact.updated", target_id=str(contact.pk))
    assert OLD_EMAIL not in json.dumps([entry.before, entry.after, entry.target_label])
    assert entry.actor_id == admin_user.pk
    assert Message.objects.filter(pk=fresh.pk).exists()
