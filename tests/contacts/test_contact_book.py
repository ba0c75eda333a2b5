"""inbox.services.contact_book: the one upsert by phone number."""

from __future__ import annotations

import pytest

from inbox.models import AuditEntry, Consent, Contact, Label
from inbox.services import consent as consent_ledger
from inbox.services.contact_book import ContactRejected, update_contact, upsert_contact
from inbox.services.contacts import find_or_create_contact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phone", "country", "e164", "region"),
    [
        ("612 34 56 78", "ES", "+34612345678", "ES"),
        ("+34 612-345-678", None, "+34612345678", "ES"),
        ("55 1234 5678", "mx", "+525512345678", "MX"),
        ("07400 123456", "GB", "+447400123456", "GB"),
        ("(415) 555-2671", "US", "+14155552671", "US"),
        ("+1 415 555 2671", None, "+14155552671", "US"),
    ],
)
def test_numbers_are_stored_in_e164_with_their_country(workspace, phone, country, e164, region):
    contact, created = upsert_contact(workspace, phone=phone, country=country, source="api")
    assert created
    assert [i.value for i in contact.identities.all()] == [e164]
    assert contact.country == region


@pytest.mark.parametrize("phone", ["", "12", "not a number", "612 34 56 78"])
def test_an_invalid_number_is_refused_naming_the_phone(workspace, phone):
    with pytest.raises(ContactRejected) as caught:
        upsert_contact(workspace, phone=phone, source="api")  # no country for the national one
    assert caught.value.errors[0].startswith("phone: ")
    assert not Contact.objects.exists()


def test_the_same_number_updates_the_same_contact(workspace):
    first, created = upsert_contact(workspace, phone="+34612345678", name="Ana", source="api")
    again, created_again = upsert_contact(
        workspace, phone="612345678", country="ES", email="ana@example.com", source="api"
    )
    assert created and not created_again
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.name, again.email) == ("Ana", "ana@example.com")  # None left the name alone


def test_a_customer_who_wrote_first_is_found_by_number(workspace):
    existing = find_or_create_contact(workspace, kind="phone", value="+525512345678")
    assert existing.country == "MX"
    contact, created = upsert_contact(
        workspace, phone="55 1234 5678", country="MX", name="Luis", source="import"
    )
    assert not created and contact.pk == existing.pk


def test_attributes_are_typed_by_their_definition(workspace, definitions):
    contact, _ = upsert_contact(
        workspace,
        phone="+14155552671",
        attributes={"balance": "12.50", "due_date": "2030-01-31", "vip": "yes", "plan": " Gold "},
        source="api",
    )
    assert contact.attributes == {
        "balance": 12.5,
        "due_date": "2030-01-31",
        "vip": True,
        "plan": "Gold",
    }
    contact, _ = upsert_contact(
        workspace, phone="+14155552671", attributes={"balance": "", "plan": "Silver"}, source="api"
    )
    assert contact.attributes == {"due_date": "2030-01-31", "vip": True, "plan": "Silver"}


def test_every_problem_is_listed_and_nothing_written(workspace, definitions):
    with pytest.raises(ContactRejected) as caught:
        upsert_contact(
            workspace,
            phone="+14155552671",
            email="not-an-email",
            attributes={"balance": "lots", "due_date": "31/01/2030", "colour": "red"},
            source="api",
        )
    errors = " | ".join(caught.value.errors)
    for part in ("email:", "attributes.balance", "attributes.due_date", "attributes.colour"):
        assert part in errors
    assert not Contact.objects.exists()


def test_labels_are_added_and_created_in_the_workspace(workspace, other_workspace):
    Label.objects.create(workspace=other_workspace, name="vip")
    contact, _ = upsert_contact(workspace, phone="+14155552671", labels=["vip"], source="api")
    upsert_contact(workspace, phone="+14155552671", labels=["late"], source="api")
    assert sorted(contact.labels.values_list("name", flat=True)) == ["late", "vip"]
    assert {label.workspace_id for label in contact.labels.all()} == {workspace.pk}
    update_contact(contact, labels=["late"])
    assert list(contact.labels.values_list("name", flat=True)) == ["late"]


def test_consent_is_recorded_per_channel_and_an_opt_out_stays(workspace, sms_channel):
    upsert_contact(workspace, phone="+14155552671", consent=True, source="import")
    row = Consent.objects.get(channel=sms_channel, address="+14155552671")
    assert (row.opted_out, row.source) == (False, "import")

    consent_ledger.record_consent(sms_channel, "+14155552672", opted_out=True, source="keyword")
    upsert_contact(workspace, phone="+14155552672", consent=True, source="import")
    assert consent_ledger.consent_for(sms_channel, "+14155552672").opted_out

    upsert_contact(workspace, phone="+14155552671", consent=False, source="api")
    assert consent_ledger.consent_for(sms_channel, "+14155552671").opted_out
    upsert_contact(workspace, phone="+14155552671", consent=True, source="api")
    assert consent_ledger.consent_for(sms_channel, "+14155552671").opted_out


def test_a_person_s_change_is_audited(workspace, agent):
    contact, _ = upsert_contact(
        workspace, phone="+14155552671", name="Ana", source="api", actor=agent
    )
    upsert_contact(workspace, phone="+14155552671", name="Ana", source="api", actor=agent)
    actions = list(
        AuditEntry.objects.filter(target_id=str(contact.pk)).values_list("action", flat=True)
    )
    assert actions == ["contact.created"]  # the unchanged second write left no entry
