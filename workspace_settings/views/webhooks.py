"""Outbound webhooks: add (secret shown once), edit, rotate, delete, delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from inbox.models import Membership
from outbound_webhooks import dispatch
from outbound_webhooks.signing import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER

from ..forms.webhooks import WebhookForm
from ..models import DeliveryStatus, OutboundWebhook, WebhookDelivery
from ..services import webhook_endpoints as service
from .admin_pages import admin_view, page

LOG_SIZE = 50
_SHOWN_SECRET = "wsettings.webhook_secret"


def _webhook(membership: Membership, webhook_id: int) -> OutboundWebhook:
    webhook = OutboundWebhook.objects.filter(workspace=membership.workspace, pk=webhook_id).first()
    if webhook is None:
        raise Http404("No such webhook")
    return webhook


def _headers() -> dict:
    return {
        "signature": SIGNATURE_HEADER,
        "timestamp": TIMESTAMP_HEADER,
        "delivery": DELIVERY_HEADER,
    }


@admin_view
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            webhook, secret = service.create_webhook(
                workspace,
                request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
            )
            request.session[_SHOWN_SECRET] = {"id": webhook.pk, "secret": secret}
            return redirect("wsettings:webhook_edit", slug=workspace.slug, webhook_id=webhook.pk)
        status = 422
    else:
        form = WebhookForm()
    webhooks = OutboundWebhook.objects.filter(workspace=workspace)
    return page(
        request,
        membership,
        "webhooks/list.html",
        "webhooks",
        status=status,
        form=form,
        webhooks=webhooks,
        headers=_headers(),
    )


@admin_view
@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, membership: Membership, webhook_id: int) -> HttpResponse:
    webhook = _webhook(membership, webhook_id)
    status = 200
    if request.method == "POST":
        form = WebhookForm(request.POST, webhook=webhook)
        if form.is_valid():
            service.update_webhook(
                webhook,
                request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                is_active=form.cleaned_data["is_active"],
            )
            messages.success(request, _("Webhook saved."))
            return redirect(
                "wsettings:webhook_edit", slug=membership.workspace.slug, webhook_id=webhook.pk
            )
        status = 422
    else:
        form = WebhookForm(webhook=webhook)
    shown = request.session.pop(_SHOWN_SECRET, None)
    secret = shown["secret"] if shown and shown.get("id") == webhook.pk else ""
    deliveries = WebhookDelivery.objects.filter(webhook=webhook)[:LOG_SIZE]
    return page(
        request,
        membership,
        "webhooks/edit.html",
        "webhooks",
        status=status,
        form=form,
        webhook=webhook,
        secret=secret,
        deliveries=deliveries,
        headers=_headers(),
    )


@admin_view
@require_POST
def webhook_rotate(request: HttpRequest, membership: Membership, webhook_id: int) -> HttpResponse:
    webhook = _webhook(membership, webhook_id)
    secret = service.rotate_secret(webhook, request.user)
    request.session[_SHOWN_SECRET] = {"id": webhook.pk, "secret": secret}
    return redirect("wsettings:webhook_edit", slug=membership.workspace.slug, webhook_id=webhook.pk)


@admin_view
@require_POST
def webhook_delete(request: HttpRequest, membership: Membership, webhook_id: int) -> HttpResponse:
    webhook = _webhook(membership, webhook_id)
    service.delete_webhook(webhook, request.user)
    messages.success(request, _("Webhook deleted."))
    return redirect("wsettings:webhooks", slug=membership.workspace.slug)


@admin_view
@require_POST
def delivery_retry(
    request: HttpRequest, membership: Membership, webhook_id: int, delivery_id
) -> HttpResponse:
    webhook = _webhook(membership, webhook_id)
    delivery = WebhookDelivery.objects.filter(webhook=webhook, pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    if delivery.status == DeliveryStatus.FAILED:
        dispatch.redeliver(delivery, request.user)
        messages.success(request, _("Delivery queued again."))
    return redirect("wsettings:webhook_edit", slug=membership.workspace.slug, webhook_id=webhook.pk)
