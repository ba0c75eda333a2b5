from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from .workspace import Workspace


class ImportStatus(models.TextChoices):
    # With a context: Spanish, for one, agrees the word with "importación".
    UPLOADED = "uploaded", pgettext_lazy("contact import", "Waiting for the column mapping")
    QUEUED = "queued", pgettext_lazy("contact import", "Queued")
    RUNNING = "running", pgettext_lazy("contact import", "Importing")
    COMPLETED = "completed", pgettext_lazy("contact import", "Completed")
    FAILED = "failed", pgettext_lazy("contact import", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("contact import", "Cancelled")


FINISHED = (ImportStatus.COMPLETED, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ContactImport(models.Model):
    """One uploaded contact list and how far its import got.

    The row is the job's whole state: the stored file, how to read it (encoding,
    delimiter), the column mapping, and `cursor_row`, the last file row whose chunk
    committed. A worker that dies mid-import leaves the cursor at its last commit, and
    the next run (a redelivered task or the beat sweep) continues from there; the page's
    progress bar reads the same row, so it survives a reload.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # Where the upload is kept (default storage) until the import finishes; "" once deleted.
    file_path = models.CharField(max_length=300, blank=True, default="")
    original_name = models.CharField(max_length=200, blank=True, default="")
    size_bytes = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=16, default="utf-8-sig")
    delimiter = models.CharField(max_length=1, default=",")
    skip_lines = models.PositiveSmallIntegerField(default=0)
    columns = models.JSONField(default=list, blank=True)
    # One target per column: "phone", "name", "email", "labels", "consent",
    # "attribute:<key>", or "" (ignored).
    mapping = models.JSONField(default=list, blank=True)
    default_country = models.CharField(max_length=2, blank=True, default="")
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    cursor_row = models.PositiveIntegerField(default=1)  # the header is row 1
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    runs = models.PositiveSmallIntegerField(default=0)  # how many times a worker started it
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved at every committed chunk; the sweep resumes a running import whose beat stopped.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="contact_import_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="contact_import_stale"),
        ]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.COMPLETED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed * 100 // self.total_rows)


class ContactImportRejection(models.Model):
    """A row the import did not store, with why and the cells as they were in the file."""

    contact_import = models.ForeignKey(
        ContactImport, on_delete=models.CASCADE, related_name="rejections"
    )
    row = models.PositiveIntegerField()
    error = models.TextField()
    cells = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact_import", "row"], name="uniq_rejected_row"),
        ]
        ordering = ["row"]

    def __str__(self) -> str:
        return f"row {self.row}: {self.error}"
