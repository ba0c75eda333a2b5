"""Channels: list, add per kind, edit, enable/disable, test the connection (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from inbox import access
from inbox.models import Channel, Membership

from ..forms.channels import FORMS
from ..services import channels as service
from .common import admin_view, page


def _channel(membership: Membership, channel_id: int) -> Channel:
    channel = access.channels(membership.workspace).filter(pk=channel_id).first()
    if channel is None or channel.kind not in FORMS:
        raise Http404("No such channel")
    return channel


@admin_view
def channel_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    rows = [
        {
            "channel": channel,
            "secrets": service.masked_secrets(channel),
            "webhook_urls": channel.adapter.webhook_urls(channel),
        }
        for channel in access.channels(membership.workspace)
        .filter(kind__in=list(FORMS))
        .select_related("team", "fallback")
        .order_by("name", "pk")
    ]
    kinds = [(kind, form.kind.upper()) for kind, form in FORMS.items()]
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
        webhook_urls=channel.adapter.webhook_urls(channel) if channel else {},
    )


@admin_view
@require_http_methods(["GET", "POST"])
def channel_add(request: HttpRequest, membership: Membership, kind: str) -> HttpResponse:
    form_class = FORMS.get(kind)
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
    """Run `save` (add or update) with the form's fields, then the brand choice; on a
    refusal from the service, put its reasons on the form and return None."""
    try:
        channel = save(
            name=form.cleaned_data["name"],
            config=form.config(),
            secrets=form.secrets(),
            api_base_url=form.api_base_url(),
            fallback=form.fallback(),
        )
    except service.ChannelInvalid as exc:
        form.add_service_errors(exc.errors)
        return None
    if "brand" in form.cleaned_data:
        service.set_brand(channel, request.user, form.cleaned_data["brand"])
    return channel


@admin_view
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, membership: Membership, channel_id: int) -> HttpResponse:
    channel = _channel(membership, channel_id)
    form_class = FORMS[channel.kind]
    workspace = membership.workspace
    if request.method == "POST":
        form = form_class(request.POST, workspace=workspace, channel=channel)
        saved = form.is_valid() and _saved(
            request, form, lambda **fields: service.update_channel(channel, request.user, **fields)
        )
        if saved:
            messages.success(request, "Channel saved.")
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
