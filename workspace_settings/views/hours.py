"""Business hours, holidays and each channel's out-of-hours reply."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access
from inbox.models import Holiday, Membership
from inbox.models.workspace import Language
from inbox.services.customer_texts import CONFIG_KEY as TEXTS_KEY
from inbox.services.out_of_hours import reply_text

from ..forms.hours import HolidayForm, HoursForm
from ..services import hours as service
from .admin_pages import admin_view, page

MAX_REPLY = 1000


def _language_replies(channel) -> list[tuple[str, str, str]]:
    """(code, language name, text) per language: the reply a customer of that language
    gets instead of the channel's single text (inbox/services/customer_texts.py)."""
    stored = (channel.config or {}).get(TEXTS_KEY) or {}
    names = dict(Language.choices)  # "Spanish" / "Español" in the reader's language
    return [
        (code, names.get(code, name), str((stored.get(code) or {}).get("out_of_hours") or ""))
        for code, name in settings.LANGUAGES
    ]


def _page(request, membership, *, form=None, holiday_form=None, reply_errors=None, status=200):
    workspace = membership.workspace
    hours = service.hours_for(workspace)
    channels = access.channels(workspace).order_by("name", "pk")
    return page(
        request,
        membership,
        "hours.html",
        "hours",
        status=status,
        form=form or HoursForm(initial=HoursForm.initial_for(workspace, hours)),
        holiday_form=holiday_form or HolidayForm(workspace=workspace),
        holidays=workspace.holidays.all(),
        replies=[(c, reply_text(c), _language_replies(c)) for c in channels],
        reply_errors=reply_errors or {},
        max_reply=MAX_REPLY,
    )


@admin_view
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method == "POST":
        form = HoursForm(request.POST)
        if form.is_valid():
            service.save_hours(
                membership.workspace,
                request.user,
                timezone=form.cleaned_data["timezone"],
                enabled=form.cleaned_data["enabled"],
                weekly=form.cleaned_data["weekly"],
            )
            messages.success(request, _("Business hours saved."))
            return redirect("wsettings:hours", slug=membership.workspace.slug)
        return _page(request, membership, form=form, status=422)
    return _page(request, membership)


@admin_view
@require_POST
def holiday_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = HolidayForm(request.POST, workspace=membership.workspace)
    if not form.is_valid():
        return _page(request, membership, holiday_form=form, status=422)
    service.add_holiday(
        membership.workspace,
        request.user,
        date=form.cleaned_data["date"],
        name=form.cleaned_data["name"],
    )
    messages.success(request, _("Holiday added."))
    return redirect("wsettings:hours", slug=membership.workspace.slug)


@admin_view
@require_POST
def holiday_remove(request: HttpRequest, membership: Membership, holiday_id: int) -> HttpResponse:
    holiday = Holiday.objects.filter(workspace=membership.workspace, pk=holiday_id).first()
    if holiday is None:
        raise Http404("No such holiday")
    service.remove_holiday(holiday, request.user)
    messages.success(request, _("Holiday removed."))
    return redirect("wsettings:hours", slug=membership.workspace.slug)


@admin_view
@require_POST
def replies(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every channel's out-of-hours reply in one form; all saved or none."""
    channels = list(access.channels(membership.workspace))
    texts, errors, per_language = {}, {}, {}
    for channel in channels:
        text = request.POST.get(f"reply_{channel.pk}", "").strip()
        own = {
            code: request.POST[f"reply_{channel.pk}_{code}"].strip()
            for code, _name in settings.LANGUAGES
            if f"reply_{channel.pk}_{code}" in request.POST
        }
        longest = max([len(text), *(len(t) for t in own.values())])
        if longest > MAX_REPLY:
            errors[channel.pk] = _("At most %(max)s characters (%(n)s now).") % {
                "max": MAX_REPLY,
                "n": longest,
            }
        texts[channel.pk] = text
        if own:
            per_language[channel.pk] = own
    if errors:
        return _page(request, membership, reply_errors=errors, status=422)
    service.set_out_of_hours_replies(channels, request.user, texts, per_language)
    messages.success(request, _("Out-of-hours replies saved."))
    return redirect("wsettings:hours", slug=membership.workspace.slug)
