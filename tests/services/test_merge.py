"""Merging duplicate contacts: the oldest survives with one thread holding everything."""

import pytest
from django.core.exceptions import ValidationError

from inbox.models import (
    AuditEntry,
    Consent,
    Contact,
    ContactIdentity,
    Conversation,
    Label,
    Message,
)
from inbox.services.consent import record_consent
from inbox.services.contact_merge import merge_contacts

from .customer_threads import customer_writes


@pytest.fixture
def older(channel):
    message = customer_writes(channel, "+14155550121", "first number")
    contact = message.conversation.contact
    contact.name = "Dana"
    contact.attributes = {"plan": "gold"}
    contact.save()
    return contact


@pytest.fixture
def newer(channel, older):
    message = customer_writes(channel, "+14155550122", "second number")
    contact = message.conversation.contact
    contact.email = "dana@example.com"
    contact.attributes = {"plan": "silver", "city": "Lyon"}
    contact.save()
    return contact


def test_merge_keeps_oldest_and_folds_the_threads(
    workspace, channel, older, newer, agent, django_capture_on_commit_callbacks
):
    label = Label.objects.create(workspace=workspace, name="vip")
    newer.conversations.get().labels.add(label)
    record_consent(channel, "+14155550122", opted_out=True, source="keyword", keyword="STOP")
    kept_thread = older.conversations.get()
    # Argument order does not matter: the oldest contact survives.
    with django_capture_on_commit_callbacks(execute=True):
        result = merge_contacts(newer, older, actor=agent)
    assert result.contact.pk == older.pk
    assert not Contact.objects.filter(pk=newer.pk).exists()
    assert Conversation.objects.filter(contact=older).count() == 1
    assert result.conversation.pk == kept_thread.pk
    texts = list(
        Message.objects.filter(conversation=kept_thread, direction="inbound").values_list(
            "text", flat=True
        )
    )
    assert sorted(texts) == ["first number", "second number"]
    assert sorted(
        ContactIdentity.objects.filter(contact=older).values_list("value", flat=True)
    ) == [
        "+14155550121",
        "+14155550122",
    ]
    older.refresh_from_db()
    assert older.name == "Dana" and older.email == "dana@example.com"
    assert older.attributes == {"plan": "gold", "city": "Lyon"}
    assert list(kept_thread.labels.all()) == [label]
    # The opt-out still applies to the moved number (the ledger is per address).
    assert Consent.objects.get(address="+14155550122").opted_out
    entry = AuditEntry.objects.get(action="contact.merged")
    assert entry.actor == agent and entry.before["merged"]["id"] == newer.pk
    note = Message.objects.filter(conversation=kept_thread, content__event="merge").get()
    assert "merged +14155550122 into this contact" in note.text


def test_merge_refuses_other_workspaces_and_self(older, other_workspace, agent):
    stranger = Contact.objects.create(workspace=other_workspace, name="Eve")
    with pytest.raises(ValidationError):
        merge_contacts(older, stranger, actor=agent)
    with pytest.raises(ValidationError):
        merge_contacts(older, older, actor=agent)
    assert Contact.objects.filter(pk=stranger.pk).exists()
    assert not AuditEntry.objects.exists()


def test_merge_is_all_or_nothing(older, newer, agent, monkeypatch):
    from inbox.services import contact_merge

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(contact_merge.audit, "record", broken)
    with pytest.raises(RuntimeError):
        merge_contacts(older, newer, actor=agent)
    assert Contact.objects.filter(pk=newer.pk).exists()
    assert ContactIdentity.objects.filter(contact=newer).count() == 1
    assert Conversation.objects.filter(contact=newer).count() == 1
    assert Message.objects.filter(conversation__contact=newer).count() == 1


def test_contact_without_thread_is_merged_too(workspace, older, agent):
    lone = Contact.objects.create(workspace=workspace, name="")
    ContactIdentity.objects.create(
        workspace=workspace, contact=lone, kind="handle", value="dana@rcs"
    )
    result = merge_contacts(older, lone, actor=agent)
    assert result.contact.pk == older.pk
    assert ContactIdentity.objects.get(value="dana@rcs").contact_id == older.pk
