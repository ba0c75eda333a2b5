"""An import as the wizard and the API run it, without a broker: create, start, run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inbox.models import ContactImport
from inbox.services.contact_import import setup
from inbox.services.contact_import.job import run_import
from workspace_settings.models import ContactAttributeDefinition


@pytest.fixture
def attributes(workspace):
    for key, label, kind in [
        ("birthday", "Birthday", "date"),
        ("vip", "VIP", "bool"),
        ("score", "Score", "number"),
        ("city", "City", "text"),
    ]:
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=label, type=kind
        )


def csv_upload(text: str | bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_csv(workspace, text, *, country="", mapping=None, actor=None) -> ContactImport:
    """Upload, map (the guessed mapping unless given) and run in this process."""
    contact_import = setup.create_import(workspace=workspace, upload=csv_upload(text), actor=actor)
    setup.start_import(
        contact_import=contact_import,
        mapping=mapping or contact_import.mapping,
        default_country=country,
        in_background=False,
    )
    run_import(import_id=contact_import.pk)
    return ContactImport.objects.get(pk=contact_import.pk)
