"""The contact import wizard (admins and managers): upload, map and preview, progress.

Each step is a page or fragment of its own URL, so a reload lands where the import is:
the progress fragment polls the import row (what the job commits with each chunk), and
stops polling once the import has ended.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox import access
from inbox.models import ImportStatus, Role
from inbox.selectors.contact_imports import recent_imports, rejected_rows, rejected_rows_csv
from inbox.services.contact_import import columns, setup
from inbox.views.workspace_timezone import activate_workspace_timezone

IMPORT_ROLES = (Role.ADMIN, Role.MANAGER)
UNPROCESSABLE = 422
SHOWN_REJECTIONS = 20


def _member(request: HttpRequest, slug: str):
    membership = access.membership_with_role(request.user, slug, *IMPORT_ROLES)
    activate_workspace_timezone(membership.workspace)
    return membership


def _import_of(request: HttpRequest, slug: str, import_id: int):
    """(membership, the import), both scoped to the URL's workspace."""
    membership = _member(request, slug)
    return membership, access.contact_import_for(membership.workspace, import_id)


def _context(request: HttpRequest, membership, **extra) -> dict:
    return {
        "workspace": membership.workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "section": "contacts",
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def upload_contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    workspace = membership.workspace
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Choose a CSV file to upload.")]
        else:
            try:
                contact_import = setup.create_import(
                    workspace=workspace, upload=upload, actor=request.user
                )
            except setup.ImportRefused as exc:
                errors = exc.errors
            else:
                return redirect("inbox:contact_import", workspace.slug, contact_import.pk)
    context = _context(
        request,
        membership,
        errors=errors,
        imports=recent_imports(workspace=workspace),
        max_bytes=settings.CONTACT_IMPORT_MAX_BYTES,
    )
    return render(
        request,
        "inbox/contact_imports/upload.html",
        context,
        status=UNPROCESSABLE if errors else 200,
    )


def _mapping_from(request: HttpRequest, contact_import) -> tuple[list[str], str]:
    data = request.POST if request.method == "POST" else request.GET
    mapping = [data.get(f"column-{i}", target) for i, target in enumerate(contact_import.mapping)]
    return mapping, data.get("country", contact_import.default_country).strip().upper()


def _mapping_context(contact_import, mapping, country) -> dict:
    attributes = setup.attribute_labels(contact_import.workspace)
    return {
        "contact_import": contact_import,
        "rows": [
            {"index": i, "name": name, "target": target}
            for i, (name, target) in enumerate(zip(contact_import.columns, mapping, strict=True))
        ],
        "choices": columns.choices(attributes),
        "country": country,
        "preview": setup.preview(
            contact_import=contact_import, mapping=mapping, default_country=country
        ),
    }


@require_GET
@login_required
def contact_import_page(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    membership, contact_import = _import_of(request, slug, import_id)
    extra = {"contact_import": contact_import}
    if contact_import.status == ImportStatus.UPLOADED:
        mapping, country = _mapping_from(request, contact_import)
        extra.update(_mapping_context(contact_import, mapping, country))
    else:
        extra.update(_progress_context(contact_import))
    return render(
        request, "inbox/contact_imports/detail.html", _context(request, membership, **extra)
    )


@require_GET
@login_required
def contact_import_preview(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """The preview table for the mapping and country the form holds now (htmx)."""
    membership, contact_import = _import_of(request, slug, import_id)
    mapping, country = _mapping_from(request, contact_import)
    context = _mapping_context(contact_import, mapping, country)
    return render(request, "inbox/contact_imports/_preview.html", context)


@require_POST
@login_required
def start_contact_import(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    membership, contact_import = _import_of(request, slug, import_id)
    mapping, country = _mapping_from(request, contact_import)
    try:
        setup.start_import(contact_import=contact_import, mapping=mapping, default_country=country)
    except setup.ImportRefused as exc:
        context = _context(
            request,
            membership,
            errors=exc.errors,
            **_mapping_context(contact_import, mapping, country),
        )
        return render(request, "inbox/contact_imports/detail.html", context, status=UNPROCESSABLE)
    return redirect("inbox:contact_import", membership.workspace.slug, contact_import.pk)


def _progress_context(contact_import) -> dict:
    return {
        "contact_import": contact_import,
        "rejections": rejected_rows(contact_import=contact_import, limit=SHOWN_REJECTIONS),
    }


@require_GET
@login_required
def contact_import_progress(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    """The progress bar and counts, polled while the import runs (htmx)."""
    membership, contact_import = _import_of(request, slug, import_id)
    context = _context(request, membership, **_progress_context(contact_import))
    return render(request, "inbox/contact_imports/_progress.html", context)


@require_POST
@login_required
def cancel_contact_import(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    membership, contact_import = _import_of(request, slug, import_id)
    setup.cancel_import(contact_import=contact_import)
    return redirect("inbox:contact_import", membership.workspace.slug, contact_import.pk)


@require_GET
@login_required
def rejected_rows_download(request: HttpRequest, slug: str, import_id: int) -> HttpResponse:
    membership, contact_import = _import_of(request, slug, import_id)
    response = HttpResponse(
        rejected_rows_csv(contact_import=contact_import), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rejected-rows-{contact_import.pk}.csv"'
    )
    return response
