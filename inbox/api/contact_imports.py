"""CSV contact imports: small files answered when done, larger ones polled.

Scope: SEND, the scope every contact write of this API takes (`POST /contacts`), and, as
on the import page, a member who is an admin or a manager: a send-scoped token of an
agent gets 403, so a token never imports more than its member could by hand. ADMIN
alone would have locked managers out, who import lists in the product but may not
hold admin tokens.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from inbox.models import ContactImport, ImportStatus
from inbox.selectors.contact_imports import rejected_rows
from inbox.services.contact_import import setup

from . import scope
from .auth import READ, SEND
from .errors import InvalidRequest
from .responses import answers
from .schemas import ContactImportOut, ContactImportQueued
from .strict import known_query_only

router = Router(tags=["contacts"])

COUNTRY_PATTERN = r"^[A-Za-z]{2}$"


def _outcome(contact_import: ContactImport) -> dict:
    return {
        "id": contact_import.pk,
        "status": contact_import.status,
        "total_rows": contact_import.total_rows,
        "processed": contact_import.processed,
        "created": contact_import.created_count,
        "updated": contact_import.updated_count,
        "rejected_count": contact_import.rejected_count,
        "rejected": rejected_rows(contact_import=contact_import),
        "error": contact_import.error,
    }


@router.post(
    "/contacts/import",
    response=answers({200: ContactImportOut, 202: ContactImportQueued}, 422),
    summary="Import contacts from a CSV file",
    auth=SEND,
)
@known_query_only
def import_contacts(
    request: HttpRequest,
    file: File[UploadedFile],
    country: str | None = Form(  # noqa: B008 - ninja's way to declare a form field
        None,
        description="Default country (ISO 3166, e.g. ES) for numbers without a + prefix",
        pattern=COUNTRY_PATTERN,
    ),
):
    """A header row names the columns: `phone`, `name`, `email`, `labels` (separated by
    `;` or `|`), `consent` (yes/no), and any contact attribute key; comma or semicolon
    separated, UTF-8 with or without BOM. Contacts are matched by phone: updated, never
    duplicated. Up to the synchronous limit (5,000 rows by default) the answer is the
    outcome (200); a larger file answers 202 with an `id` to poll at
    `GET /contact-imports/{id}`. Row numbers count the header as row 1. A file that is
    empty, not CSV, too large, or has a column this API cannot place is a 422 and
    nothing is imported.
    """
    if forbidden := scope.refuse_unless_managing(
        request, "role: importing contacts needs an admin or a manager"
    ):
        return forbidden
    token = scope.token(request)
    try:
        contact_import = setup.import_file(
            workspace=token.workspace,
            upload=file,
            default_country=country or "",
            actor=token.user,
        )
    except setup.ImportRefused as exc:
        raise InvalidRequest([f"file: {error}" for error in exc.errors]) from None
    if contact_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return Status(202, {"id": contact_import.pk, "status": contact_import.status})
    return Status(200, _outcome(contact_import))


@router.get(
    "/contact-imports/{import_id}",
    response=answers({200: ContactImportOut}, 404, 422),
    summary="Get a contact import",
    auth=READ,
)
@known_query_only
def get_contact_import(request: HttpRequest, import_id: int):
    """Poll until `status` is `completed` (or `failed`, `cancelled`: `error` says why, and
    the counts say what was done)."""
    qs = ContactImport.objects.filter(workspace_id=scope.token(request).workspace_id)
    return Status(200, _outcome(get_object_or_404(qs, pk=import_id)))
