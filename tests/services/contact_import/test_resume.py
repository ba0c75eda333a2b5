"""A worker killed mid-import: the next run continues from the last committed chunk."""

from __future__ import annotations

import os
import signal

import pytest
from celery import current_app

from inbox import jobs
from inbox.models import Contact, ContactImport, ImportStatus
from inbox.services.contact_import import setup
from inbox.services.contact_import.job import resume_stalled
from tests.support import processes
from tests.support.waiting import eventually

from .conftest import csv_upload, import_csv

ROWS = 40_000
BAD_EVERY = 997  # a rejected row now and then, so rejections resume too


def _file() -> str:
    lines = ["phone,name,labels"]
    for n in range(ROWS):
        phone = "not a phone" if n % BAD_EVERY == 0 else f"+1415{n:07d}"
        lines.append(f"{phone},Customer {n},batch|b{n % 7}")
    return "\n".join(lines) + "\n"


def _snapshot(workspace):
    return sorted(
        Contact.objects.filter(workspace=workspace).values_list(
            "identities__value", "name", "country"
        )
    )


def test_a_killed_worker_is_resumed_by_the_sweep_and_ends_as_a_clean_run(
    celery_worker, workspace, other_workspace, settings
):
    text = _file()
    contact_import = setup.create_import(workspace=workspace, upload=csv_upload(text))
    setup.start_import(
        contact_import=contact_import, mapping=contact_import.mapping, in_background=False
    )
    # A worker of its own (its own queue, small chunks), to be killed mid-import.
    victim = processes.start_worker(
        processes.child_env(CONTACT_IMPORT_CHUNK_ROWS="300"),
        name="import-victim",
        queues=("import-victim",),
        concurrency=1,
    )
    try:
        current_app.send_task(
            jobs.RUN_CONTACT_IMPORT, args=(contact_import.pk,), queue="import-victim"
        )
        eventually(
            lambda: ContactImport.objects.get(pk=contact_import.pk).cursor_row > 1,
            timeout=60,
            what="the first committed chunk",
        )
        os.kill(victim.pid, signal.SIGKILL)  # no clean shutdown: mid-chunk, like an OOM kill
        victim.popen.wait()
    finally:
        victim.stop()
    killed = ContactImport.objects.get(pk=contact_import.pk)
    assert killed.status == ImportStatus.RUNNING and 1 < killed.cursor_row < ROWS + 1
    # What is stored is exactly what the cursor says: committed chunks, nothing half-done.
    assert killed.created_count + killed.rejected_count == killed.processed
    assert Contact.objects.filter(workspace=workspace).count() == killed.created_count

    settings.CONTACT_IMPORT_STALE_SECONDS = 0  # the beat sweep finds it quiet
    assert resume_stalled() == 1
    done = eventually(
        lambda: ContactImport.objects.filter(
            pk=contact_import.pk, status=ImportStatus.COMPLETED
        ).first(),
        timeout=120,
        what="the resumed import",
    )
    assert done.runs == 2 and done.processed == ROWS

    clean = import_csv(other_workspace, text)
    assert (done.created_count, done.rejected_count) == (
        clean.created_count,
        clean.rejected_count,
    )
    assert done.rejected_count == len(range(0, ROWS, BAD_EVERY))
    assert _snapshot(workspace) == _snapshot(other_workspace)
    assert [r.row for r in done.rejections.all()] == [r.row for r in clean.rejections.all()]


@pytest.mark.django_db
def test_an_import_that_keeps_dying_is_failed_with_what_was_done(workspace, settings):
    settings.CONTACT_IMPORT_MAX_RUNS = 1
    contact_import = setup.create_import(
        workspace=workspace, upload=csv_upload("phone\n+14155550100\n")
    )
    setup.start_import(contact_import=contact_import, mapping=["phone"], in_background=False)
    ContactImport.objects.filter(pk=contact_import.pk).update(runs=1)  # one run died already
    from inbox.services.contact_import.job import run_import

    assert run_import(import_id=contact_import.pk) == "skipped"
    failed = ContactImport.objects.get(pk=contact_import.pk)
    assert failed.status == ImportStatus.FAILED and "1 attempts" in failed.error
