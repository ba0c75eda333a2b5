"""The admin's writes to the workspace's outbound webhooks (add, edit, new secret, delete),
each audited; what is sent to them, and how, is outbound_webhooks' business."""

from __future__ import annotations

from django.db import transaction

from inbox.models import Workspace
from inbox.services.audit import record
from outbound_webhooks.signing import new_secret

from ..models import OutboundWebhook


def _view(webhook: OutboundWebhook) -> dict:
    return {"url": webhook.url, "events": list(webhook.events), "is_active": webhook.is_active}


def create_webhook(
    workspace: Workspace, actor, *, url: str, events: list[str], is_active: bool = True
) -> tuple[OutboundWebhook, str]:
    """The new webhook and its secret (the only time the secret is returned in clear)."""
    secret = new_secret()
    webhook = OutboundWebhook(workspace=workspace, url=url, events=events, is_active=is_active)
    webhook.secret = secret
    with transaction.atomic():
        webhook.save()
        record(workspace, actor, "webhook.created", webhook, after=_view(webhook))
    return webhook, secret


def update_webhook(
    webhook: OutboundWebhook, actor, *, url: str, events: list[str], is_active: bool
) -> OutboundWebhook:
    with transaction.atomic():
        webhook = OutboundWebhook.objects.select_for_update().get(pk=webhook.pk)
        before = _view(webhook)
        webhook.url, webhook.events, webhook.is_active = url, events, is_active
        webhook.save()
        if _view(webhook) != before:
            record(
                webhook.workspace,
                actor,
                "webhook.updated",
                webhook,
                before=before,
                after=_view(webhook),
            )
    return webhook


def rotate_secret(webhook: OutboundWebhook, actor) -> str:
    secret = new_secret()
    with transaction.atomic():
        webhook.secret = secret
        webhook.save(update_fields=["secret_encrypted"])
        record(
            webhook.workspace,
            actor,
            "webhook.secret_rotated",
            webhook,
            before={"secret": "••••"},
            after={"secret": "•••• (new)"},
        )
    return secret


def delete_webhook(webhook: OutboundWebhook, actor) -> None:
    with transaction.atomic():
        record(webhook.workspace, actor, "webhook.deleted", webhook, before=_view(webhook))
        webhook.delete()
