"""Any member edits a contact's name, email and custom fields from the inbox side panel.

Served here rather than by inbox because the field definitions live in this app (inbox
never imports it); the panel only links to this URL. htmx swaps the panel's contact
section for the form and, once saved, the whole panel for a fresh one.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from inbox import access
from inbox.models import Contact, Conversation, Membership
from inbox.views.side_panel import panel_context
from inbox.views.workspace_timezone import activate_workspace_timezone

from ..forms.contact_edit import ContactEditForm
from ..services import contact_attributes

UNPROCESSABLE = 422


def _conversation(membership: Membership, contact: Contact) -> Conversation | None:
    first = contact.conversations.order_by("pk").values_list("pk", flat=True).first()
    return access.conversation_for(membership.workspace, first) if first else None


def _form_response(request, membership, contact, form, *, status=200) -> HttpResponse:
    context = {
        "workspace": membership.workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "contact": contact,
        "conversation": _conversation(membership, contact),
        "form": form,
    }
    template = "_form.html" if request.htmx else "page.html"
    return render(request, f"workspace_settings/contacts/{template}", context, status=status)


def _saved_response(request, membership, contact, known) -> HttpResponse:
    conversation = _conversation(membership, contact)
    if not request.htmx:
        flash.success(request, _("Contact saved."))
        if conversation is None:
            return redirect(
                reverse("wsettings:contact_edit", args=[membership.workspace.slug, contact.pk])
            )
        return redirect(
            reverse("inbox:conversation", args=[membership.workspace.slug, conversation.pk])
        )
    if conversation is None:
        return _form_response(
            request, membership, contact, ContactEditForm(contact=contact, known=known)
        )
    response = render(
        request,
        "inbox/_side_panel.html",
        panel_context(membership.workspace, conversation, membership),
    )
    # The form sat inside the panel; the saved state replaces the panel as a whole.
    return reswap(retarget(response, "#side-panel"), "outerHTML")


@require_http_methods(["GET", "POST"])
@login_required
def contact_edit(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    membership = access.membership_for(request.user, slug)
    workspace = membership.workspace
    activate_workspace_timezone(workspace)
    contact = Contact.objects.filter(workspace=workspace, pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact.")
    known = contact_attributes.definitions(workspace)
    if request.method == "GET":
        form = ContactEditForm(contact=contact, known=known)
        return _form_response(request, membership, contact, form)
    form = ContactEditForm(request.POST, contact=contact, known=known)
    if not form.is_valid():
        return _form_response(request, membership, contact, form, status=UNPROCESSABLE)
    try:
        contact = contact_attributes.update_contact(
            contact,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            values=form.attribute_values(),
            known=known,
            actor=request.user,
            language=form.cleaned_data["language"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _form_response(request, membership, contact, form, status=UNPROCESSABLE)
    return _saved_response(request, membership, contact, known)
