"""The panel beside the thread: the contact (addresses with consent, custom attributes),
the conversation's labels, earlier resolutions, and merging the contact with another."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from inbox.models import Conversation, Membership, Role, Workspace
from inbox.selectors.contacts import (
    attribute_rows,
    contact_in_workspace,
    identity_consents,
    merge_candidates,
)
from inbox.selectors.labels import workspace_labels
from inbox.selectors.thread import status_history
from inbox.services.contact_merge import merge_contacts
from inbox.services.labeling import set_labels

from .conversation_request import (
    UNPROCESSABLE,
    back_to_conversation,
    errors_of,
    load_conversation,
    picker_query,
    reload_conversation,
)

MERGE_ROLES = (Role.ADMIN, Role.MANAGER)


def panel_context(workspace: Workspace, conversation: Conversation, membership: Membership) -> dict:
    """The contact beside the thread: identities with their consent per channel, custom
    attributes, labels, earlier resolutions, and (for managers) the merge search. Also the
    full page's inclusion tag and the contact editor's answer (workspace_settings)."""
    contact = conversation.contact
    chosen = {label.pk for label in conversation.labels.all()}
    return {
        "workspace": workspace,
        "conversation": conversation,
        "contact": contact,
        "identity_rows": identity_consents(workspace=workspace, contact=contact),
        "attributes": attribute_rows(workspace=workspace, contact=contact),
        "all_labels": [
            (label, label.pk in chosen) for label in workspace_labels(workspace=workspace)
        ],
        "history": status_history(workspace=workspace, conversation=conversation),
        "can_merge": membership.role in MERGE_ROLES,
    }


def _panel_response(request, membership, conversation, errors=(), status=200) -> HttpResponse:
    if not request.htmx:
        for error in errors:
            flash.error(request, error)
        return back_to_conversation(slug=membership.workspace.slug, conversation_id=conversation.pk)
    context = panel_context(membership.workspace, reload_conversation(conversation), membership)
    context["action_errors"] = list(errors)
    return render(request, "inbox/_side_panel.html", context, status=status)


@require_GET
@login_required
def side_panel(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id)
    context = panel_context(membership.workspace, conversation, membership)
    return render(request, "inbox/_side_panel.html", context)


@require_POST
@login_required
def update_labels(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id)
    raw = request.POST.getlist("label")
    if not all(value.isdigit() for value in raw):
        return _panel_response(request, membership, conversation, [_("Unknown label.")], 400)
    try:
        set_labels(conversation, [int(v) for v in raw], actor=request.user)
    except ValidationError as exc:
        return _panel_response(request, membership, conversation, errors_of(exc), UNPROCESSABLE)
    return _panel_response(request, membership, conversation)


@require_GET
@login_required
def list_merge_candidates(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id, roles=MERGE_ROLES)
    query = picker_query(request)
    candidates = merge_candidates(
        workspace=membership.workspace, contact=conversation.contact, query=query
    )
    context = {
        "workspace": membership.workspace,
        "conversation": conversation,
        "candidates": candidates,
        "query": query,
    }
    return render(request, "inbox/_merge_candidates.html", context)


@require_POST
@login_required
def merge_contact(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    membership, conversation = load_conversation(request, slug, conversation_id, roles=MERGE_ROLES)
    raw = request.POST.get("contact", "")
    other = (
        contact_in_workspace(workspace=membership.workspace, pk=int(raw)) if raw.isdigit() else None
    )
    if other is None:
        return _panel_response(
            request, membership, conversation, ["No such contact."], UNPROCESSABLE
        )
    try:
        result = merge_contacts(conversation.contact, other, actor=request.user)
    except ValidationError as exc:
        return _panel_response(request, membership, conversation, errors_of(exc), UNPROCESSABLE)
    target = result.conversation.pk if result.conversation else conversation.pk
    url = reverse("inbox:conversation", args=[slug, target])
    if request.htmx:
        # The thread may now be another conversation: load it as a page.
        return HttpResponseClientRedirect(url, status=204)
    flash.success(request, _("Contacts merged."))
    return redirect(url)
