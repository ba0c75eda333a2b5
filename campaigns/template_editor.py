"""The template editor: every content type of the content spec (text, media, a card, a
carousel, with suggestions: reply, open-url, dial, view and share location, calendar
event) built field by field, with placeholders, the editable text version and its
segment count, and a live phone preview over RCS (with the brand) and over SMS.

htmx posts the whole form: on input, for the preview (`editor_preview`); on an add or
remove button, for the form again (`action`); on save, through the services, checked
against the channels ticked in the form (content a channel cannot carry is refused and
nothing is written). Managers and admins only, like every campaigns page.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from inbox import access
from inbox.content.schema import SUGGESTION_TYPES
from inbox.models import Channel, MessageTemplate, Role
from inbox.selectors import campaigns as reads
from inbox.services.sending import validate_content
from inbox.services.templates.checked_save import save_template_for_channels
from inbox.services.templates.save import TemplateRejected

from . import template_builder as builder
from .phone_preview import phone_preview


def _member(request: HttpRequest, slug: str):
    return access.membership_with_role(request.user, slug, Role.MANAGER, Role.ADMIN)


def _template(membership, template_id: int | None) -> MessageTemplate | None:
    if template_id is None:
        return None
    template = reads.template_in_workspace(workspace=membership.workspace, pk=template_id)
    if template is None:
        raise Http404(_("No such template."))
    return template


def _channels(workspace) -> list[Channel]:
    return list(Channel.objects.filter(workspace=workspace, is_active=True).order_by("name"))


def _context(request, membership, template, *, post=None, errors=(), action: str = "") -> dict:
    workspace = membership.workspace
    channels = _channels(workspace)
    if post is not None:
        content = builder.content_from_form(post)
        marked, _problems = builder.conversion_postbacks(post)
        rows = builder.apply_action(builder.form_from_content(content, frozenset(marked)), action)
        fields = {
            "name": post.get("name", ""),
            "use_case": post.get("use_case", MessageTemplate.UseCase.OTHER),
            "sms_text": post.get("sms_text", ""),
            "checked": {int(pk) for pk in post.getlist("check") if pk.isdigit()},
        }
    else:
        content = template.content if template else {"type": "text", "text": ""}
        marked = template.conversion_postbacks if template else []
        rows = builder.form_from_content(content, frozenset(marked))
        fields = {
            "name": template.name if template else "",
            "use_case": template.use_case if template else MessageTemplate.UseCase.OTHER,
            "sms_text": template.sms_text if template and template.sms_text_edited else "",
            "checked": {c.pk for c in channels},
        }
    rows = builder.numbered(rows)
    schema_errors = validate_content(content)
    return {
        "workspace": workspace,
        "membership": membership,
        "memberships": access.memberships(request.user),
        "section": "campaigns",
        "template": template,
        "rows": rows,
        "fields": fields,
        "errors": list(errors),
        "channels": channels,
        "use_cases": MessageTemplate.UseCase.choices,
        "types": builder.TYPES,
        "suggestion_types": SUGGESTION_TYPES,
        "preview": phone_preview(
            workspace=workspace,
            content=content,
            sms_text=fields["sms_text"],
            errors=schema_errors,
        ),
        "schema_errors": schema_errors,
    }


@require_http_methods(["GET", "POST"])
@login_required
def editor(request: HttpRequest, slug: str, template_id: int | None = None) -> HttpResponse:
    membership = _member(request, slug)
    template = _template(membership, template_id)
    if request.method == "GET":
        context = _context(request, membership, template)
        return render(request, "campaigns/template_editor.html", context)
    action = request.POST.get("action", "")
    if action != "save":  # a row added or removed: the form again, nothing saved
        context = _context(request, membership, template, post=request.POST, action=action)
        return render(request, "campaigns/_template_editor_form.html", context)
    checked = {int(pk) for pk in request.POST.getlist("check") if pk.isdigit()}
    marked, problems = builder.conversion_postbacks(request.POST)
    try:
        if problems:
            raise TemplateRejected(problems)
        saved = save_template_for_channels(
            channels=[c for c in _channels(membership.workspace) if c.pk in checked],
            workspace=membership.workspace,
            actor=request.user,
            template=template,
            name=request.POST.get("name", ""),
            use_case=request.POST.get("use_case", ""),
            content=builder.content_from_form(request.POST),
            sms_text=request.POST.get("sms_text", ""),
            conversion_postbacks=marked,
        )
    except TemplateRejected as exc:
        template = _template(membership, template_id)  # as stored: the save rolled back
        context = _context(request, membership, template, post=request.POST, errors=exc.errors)
        page = (
            "campaigns/_template_editor_form.html"
            if request.htmx
            else ("campaigns/template_editor.html")
        )
        return render(request, page, context, status=422)
    flash.success(request, _("Template saved."))
    url = reverse("campaigns:template_editor", args=[slug, saved.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def editor_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The phones for the form as it stands (nothing saved)."""
    membership = _member(request, slug)
    context = _context(request, membership, None, post=request.POST)
    return render(request, "campaigns/_template_phone.html", context)
