"""Reads for the contact import pages and API: recent imports, rejected rows as CSV."""

from __future__ import annotations

from django.utils.translation import gettext as _

from inbox.csv_export import csv_text
from inbox.models import ContactImport, ContactImportRejection, Workspace

RECENT = 10


def recent_imports(*, workspace: Workspace) -> list[ContactImport]:
    return list(
        ContactImport.objects.filter(workspace=workspace)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:RECENT]
    )


def rejected_rows(*, contact_import: ContactImport, limit: int | None = None) -> list[dict]:
    """[{"row": n, "error": "..."}] in file order (the API's answer)."""
    qs = ContactImportRejection.objects.filter(contact_import=contact_import).order_by("row")
    if limit is not None:
        qs = qs[:limit]
    return [{"row": row, "error": error} for row, error in qs.values_list("row", "error")]


def rejected_rows_csv(*, contact_import: ContactImport) -> str:
    """The rejected rows as the file had them, after their row number and reason, so they
    can be fixed and uploaded again (formulas neutralized: the cells came from outside)."""
    header = [_("row"), _("error"), *contact_import.columns]
    rows = (
        [rejection.row, rejection.error, *rejection.cells]
        for rejection in ContactImportRejection.objects.filter(
            contact_import=contact_import
        ).order_by("row")
    )
    return csv_text(header, rows)
