"""The set-based import leaves what calling upsert_contact once per row would leave."""

from __future__ import annotations

import csv
import io
import re

import pytest

from inbox import attribute_values
from inbox.models import Consent, Contact, ContactIdentity, Label, Workspace
from inbox.services import consent as consent_ledger
from inbox.services.channels import create_channel
from inbox.services.contact_book import ContactRejected, upsert_contact
from inbox.services.contact_import.job import SOURCE
from workspace_settings.models import ContactAttributeDefinition

from .conftest import import_csv

pytestmark = pytest.mark.django_db

FILE = """phone;name;email;labels;consent;score;vip
612345678;Ana;ana@example.com;vip|es;yes;3;yes
+525512345678;Luis;;mx;;;
612345678;Ana B.;;new;;4.5;
+447400123456;Old Name Kept?;;;no;;
+447400123457;Second number;;;;7;
bad;Nope;;;;;
+14155550100;;;vip;yes;;no
+14155550101;X;not-an-email;;;;
+14155550102;;;;;abc;
612345679;Bea;;;yes;;
+14155550100;Zed;z@example.com;;;;
"""


def _world(slug: str, adapter_kind: str) -> Workspace:
    workspace = Workspace.objects.create(slug=slug, name=slug)
    for key, kind in [("score", "number"), ("vip", "bool")]:
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key, type=kind
        )
    channel = create_channel(workspace, kind=adapter_kind, name="SMS", config={})
    create_channel(workspace, kind=adapter_kind, name="RCS", config={"rich": True})
    # What was there before the import: a contact with values, an opt-out, a label.
    kept, _created = upsert_contact(
        workspace,
        phone="+447400123456",
        name="Kept",
        attributes={"score": "1"},
        labels=["uk"],
        source="api",
    )
    # A merged contact: two numbers, both in the file (in one chunk, or across two).
    ContactIdentity.objects.create(
        workspace=workspace, contact=kept, kind="phone", value="+447400123457"
    )
    consent_ledger.record_consent(channel, "+34612345679", opted_out=True, source="keyword")
    return workspace


def _row_by_row(workspace: Workspace, text: str, country: str) -> None:
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    for cells in reader:
        value = {key: cell.strip() or None for key, cell in cells.items()}
        consent = value["consent"]
        try:
            upsert_contact(
                workspace,
                phone=cells["phone"],
                country=country,
                name=value["name"],
                email=value["email"],
                labels=re.split(r"[;|]", cells["labels"]) if value["labels"] else None,
                attributes={k: cells[k] for k in ("score", "vip") if value[k]} or None,
                consent=None if consent is None else attribute_values.parse_bool(consent),
                source=SOURCE,
            )
        except ContactRejected:
            pass


def _snapshot(workspace: Workspace) -> dict:
    contacts = {}
    for contact in Contact.objects.filter(workspace=workspace).prefetch_related(
        "identities", "labels"
    ):
        phone = min(identity.value for identity in contact.identities.all())
        contacts[phone] = (
            contact.name,
            contact.email,
            contact.attributes,
            contact.country,
            sorted(label.name for label in contact.labels.all()),
        )
    ledger = sorted(
        (c.channel.name, c.address, c.opted_out, c.source)
        for c in Consent.objects.filter(workspace=workspace).select_related("channel")
    )
    labels = sorted(Label.objects.filter(workspace=workspace).values_list("name", flat=True))
    return {"contacts": contacts, "ledger": ledger, "labels": labels}


@pytest.mark.parametrize("chunk_rows", [2000, 3])
def test_import_equals_upsert_contact_row_by_row(adapter, settings, chunk_rows):
    settings.CONTACT_IMPORT_CHUNK_ROWS = chunk_rows  # 3: duplicates across chunk borders too
    imported = _world("imported", adapter.kind)
    by_hand = _world("by-hand", adapter.kind)
    done = import_csv(
        imported,
        FILE,
        country="ES",
        mapping=["phone", "name", "email", "labels", "consent", "attribute:score", "attribute:vip"],
    )
    _row_by_row(by_hand, FILE, "ES")
    assert done.status == "completed"
    assert (done.created_count, done.updated_count, done.rejected_count) == (4, 4, 3)
    assert _snapshot(imported) == _snapshot(by_hand)
    assert _snapshot(imported)["contacts"]["+34612345678"][0] == "Ana B."
    assert _snapshot(imported)["contacts"]["+447400123456"][:3] == (
        "Second number",
        "",
        {"score": 7},
    )
