"""Setting an import up: the upload, the mapping and its preview, start and cancel.

The upload is refused before anything is stored when it is empty, over
CONTACT_IMPORT_MAX_BYTES, or not CSV. An accepted file is kept in default storage under
the workspace (`contact-imports/<workspace id>/<random>.csv`, a path no media route
serves) only until its import ends, when the job deletes it (privacy): contact lists are
personal data, and the contacts themselves are what was asked to be kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import phonenumbers
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import attribute_values, jobs
from inbox.models import ContactImport, ImportStatus, Workspace

from . import columns, csv_source
from .job import dialect_of, finish_import, run_import
from .rows import ContactRow, RejectedRow, read_row

PREFIX = "contact-imports"
PREVIEW_ROWS = 10


class ImportRefused(ValueError):
    """The import cannot go ahead; `errors` say why, for a person."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def attribute_labels(workspace: Workspace) -> dict[str, str]:
    """{key: label} of the workspace's contact attributes, for mapping columns to them."""
    return dict(workspace.contact_attribute_definitions.values_list("key", "label"))


def create_import(*, workspace: Workspace, upload, actor=None) -> ContactImport:
    """Check and store an uploaded file; the import waits for its mapping (ImportRefused)."""
    size = upload.size or 0
    limit = settings.CONTACT_IMPORT_MAX_BYTES
    if size == 0:
        raise ImportRefused([_("The file is empty.")])
    if size > limit:
        raise ImportRefused(
            [
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            ]
        )
    try:
        dialect = csv_source.sniff_file(upload)
        header, first = csv_source.header_and_rows(upload, dialect, limit=1)
    except csv_source.FileRefused as exc:
        raise ImportRefused([str(exc)]) from None
    if not first:
        raise ImportRefused([_("The file has a header but no rows under it.")])
    upload.seek(0)
    path = default_storage.save(f"{PREFIX}/{workspace.pk}/{uuid.uuid4().hex}.csv", upload)
    return ContactImport.objects.create(
        workspace=workspace,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_path=path,
        original_name=(getattr(upload, "name", "") or "")[:200],
        size_bytes=size,
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        skip_lines=dialect.skip_lines,
        columns=header,
        mapping=columns.guess(header, attribute_labels(workspace)),
    )


def preview(
    *, contact_import: ContactImport, mapping: Sequence[str], default_country: str
) -> list[ContactRow | RejectedRow]:
    """The first rows as the import will store (or reject) them."""
    if not contact_import.file_path:
        return []
    kinds = attribute_values.definition_types(contact_import.workspace)
    with default_storage.open(contact_import.file_path, "rb") as binary:
        _header, rows = csv_source.header_and_rows(
            binary, dialect_of(contact_import), limit=PREVIEW_ROWS
        )
    return [
        read_row(number, cells, mapping=mapping, kinds=kinds, default_country=default_country)
        for number, cells in rows
    ]


def country_problems(default_country: str) -> list[str]:
    if default_country and default_country not in phonenumbers.SUPPORTED_REGIONS:
        return [_("%(country)s is not a country code.") % {"country": default_country}]
    return []


def start_import(
    *,
    contact_import: ContactImport,
    mapping: Sequence[str],
    default_country: str = "",
    in_background: bool = True,
) -> ContactImport:
    """Fix the mapping and queue the import for a worker (ImportRefused if unusable);
    with `in_background` false the caller runs it (`run_import`) instead."""
    default_country = (default_country or "").strip().upper()
    mapping = list(mapping)
    errors = country_problems(default_country)
    if len(mapping) != len(contact_import.columns):
        errors.append(_("The mapping must name a target for every column."))
    else:
        errors += columns.problems(mapping, attribute_labels(contact_import.workspace))
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        locked = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if locked.status != ImportStatus.UPLOADED:
            raise ImportRefused([_("This import has already started.")])
        locked.mapping = mapping
        locked.default_country = default_country
        locked.status = ImportStatus.QUEUED
        locked.heartbeat_at = timezone.now()  # the sweep re-requests a lost first task
        locked.save(update_fields=["mapping", "default_country", "status", "heartbeat_at"])
        if in_background:
            jobs.enqueue_on_commit(jobs.RUN_CONTACT_IMPORT, locked.pk)
    return locked


def import_file(
    *, workspace: Workspace, upload, default_country: str = "", actor=None
) -> ContactImport:
    """The API's import: columns named as the API documents them, started at once.

    A file of up to CONTACT_IMPORT_SYNC_ROWS rows is imported before this returns (the
    answer carries the outcome); a larger one goes to a worker, to be polled.
    """
    contact_import = create_import(workspace=workspace, upload=upload, actor=actor)
    mapping, unknown = columns.exact(contact_import.columns, attribute_labels(workspace))
    errors = [
        _("%(column)s: not a contact field or attribute key.") % {"column": column or "(empty)"}
        for column in unknown
    ]
    if errors:
        discard_import(contact_import=contact_import)
        raise ImportRefused(errors)
    with default_storage.open(contact_import.file_path, "rb") as binary:
        total = sum(
            1 for n, _cells in csv_source.records(binary, dialect_of(contact_import)) if n > 1
        )
    ContactImport.objects.filter(pk=contact_import.pk).update(total_rows=total)
    contact_import.total_rows = total
    in_background = total > settings.CONTACT_IMPORT_SYNC_ROWS
    try:
        start_import(
            contact_import=contact_import,
            mapping=mapping,
            default_country=default_country,
            in_background=in_background,
        )
    except ImportRefused:
        discard_import(contact_import=contact_import)
        raise
    if not in_background:
        run_import(import_id=contact_import.pk)
    return ContactImport.objects.get(pk=contact_import.pk)


def discard_import(*, contact_import: ContactImport) -> None:
    """Forget an import that never started: its row and its stored file."""
    if contact_import.file_path:
        default_storage.delete(contact_import.file_path)
    contact_import.delete()


def cancel_import(*, contact_import: ContactImport) -> ContactImport:
    """Stop an import after its current chunk; what was committed stays imported."""
    with transaction.atomic():
        locked = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if not locked.finished:
            finish_import(locked, ImportStatus.CANCELLED)
    return locked
