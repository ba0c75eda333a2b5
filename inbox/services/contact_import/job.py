"""Running an import: chunk by chunk, each committed with its cursor, resumable, cancellable.

A chunk (CONTACT_IMPORT_CHUNK_ROWS records) is validated in memory, then written in one
transaction together with its rejected rows, the counters and `cursor_row`, the last row
it covered. So the import row always says exactly what is stored: a worker killed
mid-chunk loses only that chunk's uncommitted work, and the next run skips the rows up
to the cursor and carries on. Runs come from the task `start_import` requests, a broker
redelivery (tasks are `acks_late`), or beat's `resume_contact_imports`, which re-requests
an import whose heartbeat stopped. Two runs at once are harmless: each chunk is written
under the import row's lock and only by the run whose cursor still matches.

An unexpected error is not retried (it would fail the same way on the same row): the
import is marked failed with what was done, and the rows already committed stay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inbox import attribute_values, jobs
from inbox.models import ContactImport, ContactImportRejection, ImportStatus
from inbox.services.audit import record

from . import csv_source
from .chunk_write import ChunkOutcome, write_chunk
from .rows import ContactRow, RejectedRow, read_row

log = logging.getLogger(__name__)
SOURCE = "import"


def dialect_of(contact_import: ContactImport) -> csv_source.Dialect:
    return csv_source.Dialect(
        encoding=contact_import.encoding,
        delimiter=contact_import.delimiter,
        skip_lines=contact_import.skip_lines,
    )


def run_import(*, import_id: int) -> str:
    """Import from the cursor to the end (or until cancelled); returns the final status."""
    contact_import = _claim(import_id)
    if contact_import is None:
        return "skipped"
    try:
        return _run(contact_import)
    except csv_source.FileRefused as exc:
        return _fail(import_id, str(exc))
    except Exception as exc:  # noqa: BLE001 - recorded on the import, then re-raised
        _fail(import_id, _("Stopped by an unexpected error: %(error)s") % {"error": exc})
        raise


def _claim(import_id: int) -> ContactImport | None:
    with transaction.atomic():
        contact_import = ContactImport.objects.select_for_update().filter(pk=import_id).first()
        if contact_import is None or contact_import.status not in (
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
        ):
            return None
        now = timezone.now()
        contact_import.runs += 1
        if contact_import.runs > settings.CONTACT_IMPORT_MAX_RUNS:
            finish_import(
                contact_import,
                ImportStatus.FAILED,
                _("Stopped after %(runs)s attempts.") % {"runs": contact_import.runs - 1},
            )
            return None
        contact_import.status = ImportStatus.RUNNING
        contact_import.started_at = contact_import.started_at or now
        contact_import.heartbeat_at = now
        contact_import.save(update_fields=["runs", "status", "started_at", "heartbeat_at"])
    return contact_import


def _run(contact_import: ContactImport) -> str:
    if not contact_import.file_path or not default_storage.exists(contact_import.file_path):
        return _fail(contact_import.pk, _("The uploaded file is no longer stored."))
    dialect = dialect_of(contact_import)
    if contact_import.total_rows is None:
        with default_storage.open(contact_import.file_path, "rb") as binary:
            total = sum(1 for number, _cells in csv_source.records(binary, dialect) if number > 1)
        ContactImport.objects.filter(pk=contact_import.pk).update(total_rows=total)
    kinds = attribute_values.definition_types(contact_import.workspace)
    cursor = contact_import.cursor_row

    language = contact_import.workspace.language

    def validated(chunk: list[tuple[int, list[str]]]) -> list[ContactRow | RejectedRow]:
        # Rejection reasons in the workspace's language, whichever thread reads the rows.
        with translation.override(language):
            return [
                read_row(
                    number,
                    cells,
                    mapping=contact_import.mapping,
                    kinds=kinds,
                    default_country=contact_import.default_country,
                )
                for number, cells in chunk
            ]

    # The next chunk is validated on a helper thread while this one waits for PostgreSQL
    # to write the current one (the wait releases the GIL): the two overlap, which is
    # most of the import's speed on two cores. The helper only computes; every database
    # access stays on this thread.
    with (
        default_storage.open(contact_import.file_path, "rb") as binary,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-rows") as helper,
    ):
        chunks = _chunks(binary, dialect, after=cursor)
        chunk = next(chunks, None)
        ahead = helper.submit(validated, chunk) if chunk else None
        while chunk:
            checked = ahead.result()
            following = next(chunks, None)
            ahead = helper.submit(validated, following) if following else None
            if not _commit_chunk(contact_import, checked, start=cursor, end=chunk[-1][0]):
                return ContactImport.objects.get(pk=contact_import.pk).status
            cursor = chunk[-1][0]
            chunk = following
    with transaction.atomic():
        locked = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if locked.status == ImportStatus.RUNNING and locked.cursor_row == cursor:
            finish_import(locked, ImportStatus.COMPLETED)
        return locked.status


def _chunks(binary, dialect, *, after: int) -> Iterator[list[tuple[int, list[str]]]]:
    size = settings.CONTACT_IMPORT_CHUNK_ROWS
    chunk: list[tuple[int, list[str]]] = []
    for number, cells in csv_source.records(binary, dialect):
        if number <= after:
            continue  # the header, and rows a previous run committed
        chunk.append((number, cells))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _commit_chunk(
    contact_import: ContactImport, checked: list[ContactRow | RejectedRow], *, start: int, end: int
) -> bool:
    """Write one chunk with its cursor; False when this run should stop (cancelled, or
    another run already moved past `start`)."""
    with transaction.atomic():
        locked = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if locked.status != ImportStatus.RUNNING or locked.cursor_row != start:
            return False
        outcome = ChunkOutcome()
        batch: dict[str, ContactRow] = {}
        rejected = []
        for row in checked:
            if isinstance(row, RejectedRow):
                rejected.append(row)
                continue
            if row.phone in batch:  # the same number again: after the first is stored
                _add(outcome, write_chunk(locked.workspace, list(batch.values()), source=SOURCE))
                batch = {}
            batch[row.phone] = row
        _add(outcome, write_chunk(locked.workspace, list(batch.values()), source=SOURCE))
        ContactImportRejection.objects.bulk_create(
            [
                ContactImportRejection(
                    contact_import=locked, row=row.row, error=row.error, cells=row.cells
                )
                for row in rejected
            ],
            ignore_conflicts=True,
        )
        locked.cursor_row = end
        locked.processed += len(checked)
        locked.created_count += outcome.created
        locked.updated_count += outcome.updated
        locked.rejected_count += len(rejected)
        locked.heartbeat_at = timezone.now()
        locked.save(
            update_fields=[
                "cursor_row",
                "processed",
                "created_count",
                "updated_count",
                "rejected_count",
                "heartbeat_at",
            ]
        )
    return True


def _add(total: ChunkOutcome, part: ChunkOutcome) -> None:
    total.created += part.created
    total.updated += part.updated


def _fail(import_id: int, error: str) -> str:
    with transaction.atomic():
        locked = ContactImport.objects.select_for_update().get(pk=import_id)
        if not locked.finished:
            done = _(
                "Rows up to %(row)s were processed (%(created)s created, %(updated)s updated)."
            )
            done %= {
                "row": locked.cursor_row,
                "created": locked.created_count,
                "updated": locked.updated_count,
            }
            finish_import(locked, ImportStatus.FAILED, f"{error} {done}")
        return locked.status


def finish_import(locked: ContactImport, status: str, error: str = "") -> None:
    """End the import (inside its row lock): the stored upload is deleted once committed."""
    locked.status = status
    locked.error = error
    locked.finished_at = timezone.now()
    path, locked.file_path = locked.file_path, ""
    locked.save(update_fields=["status", "error", "finished_at", "file_path"])
    record(
        locked.workspace,
        locked.created_by,
        f"contact_import.{status}",
        locked,
        after={
            "file": locked.original_name,
            "created": locked.created_count,
            "updated": locked.updated_count,
            "rejected": locked.rejected_count,
        },
    )
    if path:
        transaction.on_commit(lambda: default_storage.delete(path))


def sweep_imports() -> dict[str, int]:
    """Beat's pass: resume stalled imports, and forget uploads nobody started."""
    return {"resumed": resume_stalled(), "discarded": discard_abandoned()}


def discard_abandoned() -> int:
    """Uploads left at the mapping step for CONTACT_IMPORT_ABANDONED_HOURS: their stored
    file is personal data nobody asked to keep, so it is deleted and the import cancelled."""
    cutoff = timezone.now() - timedelta(hours=settings.CONTACT_IMPORT_ABANDONED_HOURS)
    ids = ContactImport.objects.filter(
        status=ImportStatus.UPLOADED, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    discarded = 0
    for import_id in list(ids):
        with transaction.atomic():
            locked = ContactImport.objects.select_for_update().get(pk=import_id)
            if locked.status == ImportStatus.UPLOADED:
                finish_import(
                    locked,
                    ImportStatus.CANCELLED,
                    _("Never started; the uploaded file was deleted."),
                )
                discarded += 1
    return discarded


def resume_stalled() -> int:
    """Re-request imports whose worker went quiet (killed, or its task lost); how many."""
    stale = timezone.now() - timedelta(seconds=settings.CONTACT_IMPORT_STALE_SECONDS)
    ids = list(
        ContactImport.objects.filter(
            status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING),
            heartbeat_at__lt=stale,
        ).values_list("pk", flat=True)
    )
    for import_id in ids:
        log.warning("contact import %s stalled; requesting it again", import_id)
        jobs.enqueue(jobs.RUN_CONTACT_IMPORT, import_id)
    return len(ids)
