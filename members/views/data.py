"""Data page: retention, a contact's export (JSON download) and erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inbox.models import Contact, Message
from members.forms import EraseForm, RetentionForm
from privacy.services import contact_data
from workspace_settings.services import policies

from .admin_pages import admin_membership, fragment_only, page_context


def _contact(workspace, contact_id: int) -> Contact:
    contact = Contact.objects.filter(workspace=workspace, pk=contact_id).first()
    if contact is None:
        raise Http404("No such contact")
    return contact


@login_required
@require_GET
def data_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    query = request.GET.get("q", "")
    context = page_context(
        request,
        membership,
        "data",
        retention_form=RetentionForm(initial={"retention_days": workspace.retention_days}),
        query=query,
        contacts=contact_data.find_contacts(workspace, query),
    )
    template = "members/_contact_results.html" if fragment_only(request) else "members/data.html"
    return render(request, template, context)


@login_required
@require_POST
def retention(request: HttpRequest, slug: str) -> HttpResponse:
    membership = admin_membership(request, slug)
    workspace = membership.workspace
    form = RetentionForm(request.POST)
    if form.is_valid():
        policies.set_retention_days(workspace, form.cleaned_data["retention_days"], request.user)
        messages.success(request, _("Retention saved."))
        return redirect("members:data", slug=slug)
    context = page_context(request, membership, "data", retention_form=form, query="", contacts=[])
    return render(request, "members/data.html", context, status=422)


@login_required
@require_GET
def export_contact(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    membership = admin_membership(request, slug)
    contact = _contact(membership.workspace, contact_id)
    data = contact_data.export(contact, request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase_contact(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    membership = admin_membership(request, slug)
    contact = _contact(membership.workspace, contact_id)
    phrase = contact_data.confirmation_phrase(contact)
    form = EraseForm(request.POST or None, phrase=phrase)
    if request.method == "POST" and form.is_valid():
        counts = contact_data.erase(contact, request.user)
        messages.success(
            request,
            f"Contact {contact_id} was erased with {counts['messages']} messages.",
        )
        return redirect("members:data", slug=slug)
    context = page_context(
        request,
        membership,
        "data",
        contact=contact,
        phrase=phrase,
        form=form,
        message_count=Message.objects.filter(conversation__contact=contact).count(),
    )
    status = 422 if request.method == "POST" else 200
    return render(request, "members/erase_contact.html", context, status=status)
