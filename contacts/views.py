"""The contacts pages: the filtered list with bulk actions and export, one contact, and
saving the current filter as a segment. Every view starts from the URL's workspace
(inbox.access), reads through inbox selectors and writes through inbox services."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inbox import access
from inbox.csv_export import csv_lines
from inbox.models import Label, Role
from inbox.selectors import campaigns as campaign_reads
from inbox.selectors import contacts as contact_reads
from inbox.selectors import segments as segment_reads
from inbox.selectors.contact_filter import FilterInvalid, parse_filter
from inbox.selectors.contact_list import contact_ids_matching, contact_page, contacts_for_export
from inbox.selectors.cursor import ContactCursor
from inbox.selectors.labels import workspace_labels
from inbox.services import contact_book, segments
from inbox.views.workspace_timezone import activate_workspace_timezone

from . import selectors as history
from .query import filter_document

EVERY_ROLE = (Role.AGENT, Role.MANAGER, Role.ADMIN)
# A whole list leaves the building in an export, and a segment is what a campaign sends to.
LIST_OWNERS = (Role.MANAGER, Role.ADMIN)
UNPROCESSABLE = 422


def _member(request: HttpRequest, slug: str, roles=EVERY_ROLE):
    membership = access.membership_with_role(request.user, slug, *roles)
    activate_workspace_timezone(membership.workspace)
    return membership


def _filtered(request: HttpRequest, workspace):
    """(filter, errors): an invalid filter shows its errors over an empty list."""
    document = filter_document(workspace=workspace, params=request.GET)
    try:
        return parse_filter(workspace=workspace, document=document), []
    except FilterInvalid as exc:
        return None, exc.errors


@require_GET
@login_required
def contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug)
    workspace = membership.workspace
    contact_filter, errors = _filtered(request, workspace)
    page = None
    if contact_filter is not None:
        page = contact_page(
            workspace=workspace,
            contact_filter=contact_filter,
            cursor=ContactCursor.parse(request.GET.get("cursor")),
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "workspace": workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "section": "contacts",
        "page": page,
        "errors": errors,
        "query": query.urlencode(),
        "params": request.GET,
        "labels": workspace_labels(workspace=workspace),
        "segments": segment_reads.workspace_segments(workspace=workspace),
        "can_own_lists": membership.role in LIST_OWNERS,
        "attribute_keys": list(
            workspace.contact_attribute_definitions.values_list("key", "label", "type")
        ),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "contacts/_rows.html", context)
    return render(request, "contacts/list.html", context, status=UNPROCESSABLE if errors else 200)


@require_GET
@login_required
def contact_export(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug, LIST_OWNERS)
    workspace = membership.workspace
    contact_filter, errors = _filtered(request, workspace)
    if contact_filter is None:
        return HttpResponse("; ".join(errors), status=UNPROCESSABLE, content_type="text/plain")
    keys = list(workspace.contact_attribute_definitions.values_list("key", flat=True))
    columns = ["id", "name", "phone", "email", "country", "labels", *keys, "created_at"]
    rows = (
        [
            contact.pk,
            contact.name,
            " ".join(i.value for i in contact.identities.all()),
            contact.email,
            contact.country,
            ", ".join(label.name for label in contact.labels.all()),
            *[(contact.attributes or {}).get(key) for key in keys],
            contact.created_at.isoformat(),
        ]
        for contact in contacts_for_export(workspace=workspace, contact_filter=contact_filter)
    )
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="contacts-{workspace.slug}.csv"'
    return response


@require_POST
@login_required
def bulk_label(request: HttpRequest, slug: str) -> HttpResponse:
    """Add or remove one label on the ticked contacts, or on every contact the list's
    filter matches ("all"), which is re-evaluated now rather than trusted from the page."""
    membership = _member(request, slug)
    workspace = membership.workspace
    label = Label.objects.filter(workspace=workspace, pk=request.POST.get("label") or 0).first()
    if label is None:
        raise Http404(_("No such label."))
    contact_filter, errors = _filtered(request, workspace)
    if contact_filter is None:
        return HttpResponse("; ".join(errors), status=UNPROCESSABLE, content_type="text/plain")
    ticked = None
    if request.POST.get("scope") != "all":
        ticked = [int(v) for v in request.POST.getlist("contact") if v.isdigit()]
    ids = contact_ids_matching(workspace=workspace, contact_filter=contact_filter, ids=ticked)
    if request.POST.get("action") == "remove":
        count = contact_book.remove_labels(workspace=workspace, contact_ids=ids, label=label)
        flash.success(request, _("Label removed from %(n)s contacts.") % {"n": count})
    else:
        count = contact_book.add_labels(workspace=workspace, contact_ids=ids, label=label)
        flash.success(request, _("Label added to %(n)s contacts.") % {"n": count})
    return redirect(_list_url(workspace, request.GET.urlencode()))


@require_POST
@login_required
def segment_save(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _member(request, slug, LIST_OWNERS)
    workspace = membership.workspace
    document = filter_document(workspace=workspace, params=request.GET)
    try:
        segment = segments.create_segment(
            workspace, name=request.POST.get("name", ""), document=document, actor=request.user
        )
    except FilterInvalid as exc:
        flash.error(request, "; ".join(exc.errors))
        return redirect(_list_url(workspace, request.GET.urlencode()))
    flash.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
    return redirect(_list_url(workspace, f"segment={segment.pk}"))


@require_GET
@login_required
def segment_count(request: HttpRequest, slug: str, segment_id: int) -> HttpResponse:
    """The live count, fetched by the page after it renders (counting is the slow part)."""
    membership = _member(request, slug)
    segment = segment_reads.segment_in_workspace(workspace=membership.workspace, pk=segment_id)
    if segment is None:
        raise Http404(_("No such segment."))
    count = segment_reads.segment_count(segment)
    text = _("no longer valid") if count is None else str(count)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def contact_detail(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    membership = _member(request, slug)
    workspace = membership.workspace
    contact = contact_reads.contact_in_workspace(workspace=workspace, pk=contact_id)
    if contact is None:
        raise Http404(_("No such contact."))
    context = {
        "workspace": workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "section": "contacts",
        "contact": contact,
        "identities": contact_reads.identity_consents(workspace=workspace, contact=contact),
        "attributes": contact_reads.attribute_rows(workspace=workspace, contact=contact),
        "consent_history": history.consent_history(workspace=workspace, contact=contact),
        "reachability": contact.reachability.select_related("channel").order_by("channel__name"),
        "conversations": contact.conversations.select_related("channel").order_by("-pk"),
        "labels": contact.labels.all(),
        "campaigns": campaign_reads.campaigns_received(contact=contact)[:50],
    }
    return render(request, "contacts/detail.html", context)


def _list_url(workspace, query: str) -> str:
    url = reverse("contacts:list", args=[workspace.slug])
    return f"{url}?{query}" if query else url
