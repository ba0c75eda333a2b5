"""The import job: upsert by phone, rejected rows with reasons, consent, the stored file."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import default_storage

from inbox.models import AuditEntry, Consent, Contact, ContactImport, ImportStatus
from inbox.selectors.contact_imports import rejected_rows, rejected_rows_csv
from inbox.services import consent as consent_ledger
from inbox.services.contact_book import upsert_contact
from inbox.services.contact_import import setup

from .conftest import csv_upload, import_csv

pytestmark = pytest.mark.django_db


def contact_at(workspace, phone) -> Contact:
    return Contact.objects.get(workspace=workspace, identities__value=phone)


def test_rows_are_created_then_updated_by_phone_never_duplicated(workspace, attributes):
    first = import_csv(
        workspace,
        "phone;name;birthday;labels\n612345678;Ana;1990-05-01;vip\n+525512345678;Luis;;\n",
        country="ES",
    )
    assert (first.status, first.created_count, first.updated_count) == ("completed", 2, 0)
    second = import_csv(
        workspace, "Phone,Name,City,Labels\n+34 612 34 56 78,Ana María,Madrid,new|vip\n"
    )
    assert (second.created_count, second.updated_count) == (0, 1)
    ana = contact_at(workspace, "+34612345678")
    assert ana.name == "Ana María" and ana.country == "ES"
    assert ana.attributes == {"birthday": "1990-05-01", "city": "Madrid"}
    assert sorted(ana.labels.values_list("name", flat=True)) == ["new", "vip"]
    assert Contact.objects.filter(workspace=workspace).count() == 2


def test_bad_rows_are_rejected_with_number_and_reason_and_good_rows_still_import(
    workspace, attributes
):
    text = (
        "phone,name,score,vip\n"
        "+14155550100,Good,3,yes\n"
        "not a number,Bad phone,1,no\n"
        '+14155550101,"Two\nlines",abc,yes\n'
        "+14155550102,Also good,,\n"
        "=HYPERLINK(1),Formula,,\n"
    )
    done = import_csv(workspace, text)
    assert (done.created_count, done.rejected_count, done.processed) == (2, 3, 5)
    assert [r["row"] for r in rejected_rows(contact_import=done)] == [3, 4, 6]
    assert "attributes.score" in rejected_rows(contact_import=done)[1]["error"]
    table = list(csv.reader(io.StringIO(rejected_rows_csv(contact_import=done))))
    assert table[0] == ["row", "error", "phone", "name", "score", "vip"]
    assert table[2][0] == "4" and table[2][3] == "Two\nlines"
    assert table[3][2] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it


def test_consent_column_records_the_ledger_and_never_re_opts_in(workspace, channel):
    consent_ledger.record_consent(channel, "+14155550111", opted_out=True, source="keyword")
    done = import_csv(
        workspace,
        "phone,consent\n+14155550111,yes\n+14155550112,yes\n+14155550113,no\n",
    )
    assert done.status == "completed" and done.rejected_count == 0
    ledger = {c.address: (c.opted_out, c.source) for c in Consent.objects.all()}
    assert ledger == {
        "+14155550111": (True, "keyword"),  # still opted out: only START lifts it
        "+14155550112": (False, "import"),
        "+14155550113": (True, "import"),
    }
    assert Consent.objects.get(address="+14155550112").changed_at is not None


def test_the_stored_upload_is_deleted_when_the_import_ends(
    workspace, django_capture_on_commit_callbacks
):
    contact_import = setup.create_import(
        workspace=workspace, upload=csv_upload("phone\n+14155550100\n")
    )
    path = contact_import.file_path
    assert path.startswith(f"contact-imports/{workspace.pk}/") and default_storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        setup.cancel_import(contact_import=contact_import)
    assert not default_storage.exists(path)
    folder = f"contact-imports/{workspace.pk}"
    before = set(default_storage.listdir(folder)[1])
    with django_capture_on_commit_callbacks(execute=True):
        done = import_csv(workspace, "phone\n+14155550100\n")
    assert not done.file_path and set(default_storage.listdir(folder)[1]) == before
    audit = AuditEntry.objects.filter(action="contact_import.completed").get()
    assert audit.after["created"] == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"phone,name\n", "no rows"),
        (b"PK\x03\x04\x14\x00", "workbook"),
        (b"\x00\x01\x02binary", "not a CSV"),
    ],
)
def test_unusable_files_are_refused_and_nothing_is_stored(workspace, data, reason):
    folder = f"contact-imports/{workspace.pk}"
    before = default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
    with pytest.raises(setup.ImportRefused, match=reason):
        setup.create_import(workspace=workspace, upload=csv_upload(data))
    after = default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
    assert after == before and not ContactImport.objects.exists()


def test_a_file_over_the_limit_is_refused(workspace, settings):
    settings.CONTACT_IMPORT_MAX_BYTES = 100
    with pytest.raises(setup.ImportRefused, match="limit"):
        setup.create_import(
            workspace=workspace, upload=csv_upload("phone\n" + "+14155550100\n" * 20)
        )


def test_cancel_stops_between_chunks_and_keeps_what_was_committed(workspace, settings):
    settings.CONTACT_IMPORT_CHUNK_ROWS = 2
    text = "phone\n" + "".join(f"+1415555{n:04d}\n" for n in range(10))
    contact_import = setup.create_import(workspace=workspace, upload=csv_upload(text))
    setup.start_import(contact_import=contact_import, mapping=["phone"], in_background=False)
    setup.cancel_import(contact_import=contact_import)
    from inbox.services.contact_import.job import run_import

    assert run_import(import_id=contact_import.pk) == "skipped"
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.CANCELLED
    assert Contact.objects.filter(workspace=workspace).count() == 0


def test_mapping_needs_one_phone_column(workspace):
    contact_import = setup.create_import(
        workspace=workspace, upload=csv_upload("a,b\n+14155550100,x\n")
    )
    with pytest.raises(setup.ImportRefused, match="phone"):
        setup.start_import(contact_import=contact_import, mapping=["", "name"])


def test_preview_shows_rows_as_they_will_be_stored(workspace):
    contact_import = setup.create_import(
        workspace=workspace, upload=csv_upload("tel;nombre\n612345678;Ana\nxx;Bad\n")
    )
    assert contact_import.mapping == ["phone", "name"]
    shown = setup.preview(
        contact_import=contact_import, mapping=contact_import.mapping, default_country="ES"
    )
    assert shown[0].phone == "+34612345678" and shown[0].changes.name == "Ana"
    assert shown[1].row == 3 and "phone" in shown[1].error


def test_upsert_contact_and_the_import_agree_on_an_existing_contact(workspace):
    upsert_contact(workspace, phone="+14155550100", name="Old", source="api")
    done = import_csv(workspace, "phone,name\n+14155550100,\n")  # an empty cell keeps it
    assert done.updated_count == 1 and contact_at(workspace, "+14155550100").name == "Old"


def test_an_upload_nobody_starts_is_deleted_by_the_sweep(
    workspace, settings, django_capture_on_commit_callbacks
):
    from inbox.services.contact_import.job import sweep_imports

    contact_import = setup.create_import(
        workspace=workspace, upload=csv_upload("phone\n+14155550100\n")
    )
    assert sweep_imports() == {"resumed": 0, "discarded": 0}  # not old enough yet
    settings.CONTACT_IMPORT_ABANDONED_HOURS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_imports() == {"resumed": 0, "discarded": 1}
    contact_import.refresh_from_db()
    assert contact_import.status == ImportStatus.CANCELLED and not contact_import.file_path
    assert not Contact.objects.exists()
