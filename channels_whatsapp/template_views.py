"""WhatsApp message templates in the product's pages: the admin's list (sync, create,
submit, each one's approval state) and an agent's "send a template" from a thread.

Workspace-scoped through inbox.access (another workspace: 404) and role-checked (the
templates page: admins; sending: any member who may answer the conversation).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from inbox import access
from inbox.models import Role
from inbox.services import send_message
from inbox.services.errors import SendRejected

from . import message_templates
from .models import MessageTemplate


class TemplateForm(forms.Form):
    name = forms.RegexField(
        label=_lazy("Name"),
        regex=r"^[a-z0-9_]{1,512}$",
        max_length=512,
        help_text=_lazy("Lowercase letters, digits and underscores, e.g. order_update."),
    )
    language = forms.RegexField(
        label=_lazy("Language"),
        regex=r"^[a-z]{2,3}(_[A-Z]{2})?$",
        max_length=16,
        initial="en_US",
    )
    category = forms.ChoiceField(label=_lazy("Category"), choices=MessageTemplate.Category.choices)
    body = forms.CharField(
        label=_lazy("Body"),
        max_length=1024,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("Variables as {{1}}, {{2}}, ..."),
    )
    examples = forms.CharField(
        label=_lazy("Example values"),
        required=False,
        max_length=1024,
        help_text=_lazy("One per variable, separated by |, for Meta's review."),
    )


def _admin_channel(request: HttpRequest, slug: str, channel_id: int):
    membership = access.membership_with_role(request.user, slug, Role.ADMIN)
    channel = access.channels(membership.workspace).filter(pk=channel_id, kind="whatsapp").first()
    if channel is None:
        raise Http404("no such WhatsApp channel")
    return membership, channel


def _page(request, membership, channel, form, *, notice="", error="", status=200):
    return render(
        request,
        "channels_whatsapp/templates.html",
        {
            "membership": membership,
            "workspace": membership.workspace,
            "memberships": access.memberships(request.user),
            "nav": "channels",
            "section": "settings",
            "channel": channel,
            "templates": message_templates.templates_for(channel),
            "form": form,
            "notice": notice,
            "error": error,
        },
        status=status,
    )


@login_required
def template_list(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership, channel = _admin_channel(request, slug, channel_id)
    if request.method != "POST":
        return _page(request, membership, channel, TemplateForm())
    form = TemplateForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, channel, form, status=400)
    data = form.cleaned_data
    examples = [e.strip() for e in data["examples"].split("|") if e.strip()]
    try:
        message_templates.create_template(
            channel,
            name=data["name"],
            language=data["language"],
            category=data["category"],
            body=data["body"],
            examples=examples,
            actor=request.user,
        )
    except message_templates.TemplateError as exc:
        return _page(request, membership, channel, form, error=str(exc), status=400)
    return redirect("whatsapp-templates", slug=slug, channel_id=channel.pk)


@login_required
@require_POST
def template_sync(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership, channel = _admin_channel(request, slug, channel_id)
    try:
        count = message_templates.sync_templates(channel, actor=request.user)
    except message_templates.TemplateError as exc:
        return _page(request, membership, channel, TemplateForm(), error=str(exc), status=502)
    notice = _("%(n)s templates on the account.") % {"n": count}
    return _page(request, membership, channel, TemplateForm(), notice=notice)


@login_required
@require_POST
def template_submit(
    request: HttpRequest, slug: str, channel_id: int, template_id: int
) -> HttpResponse:
    membership, channel = _admin_channel(request, slug, channel_id)
    template = MessageTemplate.objects.filter(channel=channel, pk=template_id).first()
    if template is None:
        raise Http404("no such template")
    try:
        message_templates.submit_template(template, actor=request.user)
    except message_templates.TemplateError as exc:
        return _page(request, membership, channel, TemplateForm(), error=str(exc), status=400)
    return redirect("whatsapp-templates", slug=slug, channel_id=channel.pk)


@login_required
@require_POST
def send_template(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """Send an approved template in a conversation (how a thread reopens after 24 hours)."""
    membership = access.membership_for(request.user, slug)
    conversation = access.conversation_for(membership.workspace, conversation_id)
    channel = conversation.channel
    if channel.kind != "whatsapp":
        raise Http404("not a WhatsApp conversation")
    template = MessageTemplate.objects.filter(
        channel=channel, pk=request.POST.get("template_id") or 0
    ).first()
    if template is None:
        raise Http404("no such template")
    parameters = request.POST.getlist("parameter")
    content = message_templates.template_content(template, parameters)
    try:
        send_message(conversation, content, user=request.user)
    except SendRejected as exc:
        return HttpResponse("\n".join(exc.errors), status=422, content_type="text/plain")
    return redirect("inbox:conversation", slug=slug, conversation_id=conversation.pk)
