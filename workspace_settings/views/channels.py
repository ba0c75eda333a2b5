"""Channels: list, add per kind, edit, enable/disable, test the connection (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access
from inbox.adapters import all_adapters, get_adapter
from inbox.adapters.config_form import ChannelConfigForm
from inbox.models import Channel, Membership

from ..forms.errors import add_service_errors
from ..services import channels as service
from .admin_pages import admin_view, page

# What each adapter's webhook URL is for, in the reader's language (the keys stay ids).
_URL_NAMES = {
    "inbound": gettext_lazy("Inbound"),
    "status": gettext_lazy("Status"),
    "webhook": gettext_lazy("Webhook"),
    "callback_url": gettext_lazy("Callback URL"),
}


def _named_urls(urls: dict[str, str]) -> dict[str, str]:
    return {str(_URL_NAMES.get(key, key)): url for key, url in urls.items()}


def _config_forms() -> dict[str, type[ChannelConfigForm]]:
    """Every registered channel kind whose adapter brings a settings form, in the order the
    apps registered them: a new channel app appears here without an edit to this app."""
    return {
        kind: adapter.config_form
        for kind, adapter in all_adapters().items()
        if adapter.config_form is not None
    }


def _channel(membership: Membership, channel_id: int) -> Channel:
    channel = access.channels(membership.workspace).filter(pk=channel_id).first()
    if channel is None or channel.kind not in _config_forms():
        raise Http404("No such channel")
    return channel


@admin_view
def channel_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    forms = _config_forms()
    rows = [
        {
            "channel": channel,
            "secrets": service.masked_secrets(channel),
            "webhook_urls": _named_urls(channel.adapter.webhook_urls(channel)),
        }
        for channel in access.channels(membership.workspace)
        .filter(kind__in=list(forms))
        .select_related("team", "fallback")
        .order_by("name", "pk")
    ]
    kinds = [(kind, get_adapter(kind).label) for kind in forms]
    return page(request, membership, "channels/list.html", "channels", rows=rows, kinds=kinds)


def _form_page(request, membership, form, channel, status=200) -> HttpResponse:
    return page(
        request,
        membership,
        "channels/form.html",
        "channels",
        status=status,
        form=form,
        channel=channel,
        kind=form.kind,
        secrets=service.masked_secrets(channel) if channel else {},
        webhook_urls=_named_urls(channel.adapter.webhook_urls(channel)) if channel else {},
        channel_links=channel.adapter.settings_links(channel) if channel else [],
    )


@admin_view
@require_http_methods(["GET", "POST"])
def channel_add(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    form_class = _config_forms().get(kind)
    if form_class is None:
        raise Http404("No such channel kind")
    workspace = membership.workspace
    if request.method == "POST":
        form = form_class(request.POST, workspace=workspace)
        channel = form.is_valid() and _saved(
            request,
            form,
            lambda **fields: service.add_channel(workspace, request.user, kind=kind, **fields),
        )
        if channel:
            messages.success(
                request,
                f"Channel “{channel.name}” added. Paste its webhook URLs into the "
                "provider's console.",
            )
            return redirect("wsettings:channel_edit", slug=workspace.slug, channel_id=channel.pk)
        return _form_page(request, membership, form, None, status=422)
    return _form_page(request, membership, form_class(workspace=workspace), None)


def _saved(request: HttpRequest, form, save):
    """Run `save` (add or update) with the form's fields, then what the form saves beside
    the channel (RCS: its brand); on a refusal from the service, put its reasons on the
    form and return None."""
    try:
        channel = save(
            name=form.cleaned_data["name"],
            config={**form.config(), **form.customer_language_config()},
            secrets=form.secrets(),
            api_base_url=form.api_base_url(),
            fallback=form.fallback(),
        )
    except service.ChannelInvalid as exc:
        add_service_errors(form, exc.errors, aliases=form.service_error_fields())
        return None
    form.save_related(channel, request.user)
    return channel


@admin_view
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, membership: Membership, channel_id: int) -> HttpResponse:
    channel = _channel(membership, channel_id)
    form_class = _config_forms()[channel.kind]
    workspace = membership.workspace
    if request.method == "POST":
        form = form_class(request.POST, workspace=workspace, channel=channel)
        saved = form.is_valid() and _saved(
            request, form, lambda **fields: service.update_channel(channel, request.user, **fields)
        )
        if saved:
            messages.success(request, _("Channel saved."))
            return redirect("wsettings:channel_edit", slug=workspace.slug, channel_id=saved.pk)
        return _form_page(request, membership, form, channel, status=422)
    return _form_page(
        request, membership, form_class(workspace=workspace, channel=channel), channel
    )


@admin_view
@require_POST
def channel_toggle(request: HttpRequest, membership: Membership, channel_id: int) -> HttpResponse:
    channel = _channel(membership, channel_id)
    active = request.POST.get("active") == "1"
    service.set_active(channel, request.user, active)
    messages.success(request, f"Channel “{channel.name}” {'enabled' if active else 'disabled'}.")
    return redirect("wsettings:channels", slug=membership.workspace.slug)


@admin_view
@require_POST
def channel_test(request: HttpRequest, membership: Membership, channel_id: int) -> HttpResponse:
    """One harmless provider call with the stored credentials; the answer as a fragment."""
    channel = _channel(membership, channel_id)
    ok, detail = channel.adapter.test_connection(channel)
    return render(
        request,
        "workspace_settings/channels/_test_result.html",
        {"ok": ok, "detail": detail, "channel": channel},
    )
