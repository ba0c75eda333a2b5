"""Meta's template review results, as they happen: the `message_template_status_update`
webhook field (WhatsApp Business Management API, "Webhooks" components,
developers.facebook.com/docs/whatsapp/business-management-api/webhooks/components).

    {"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "time": ...,
     "changes": [{"field": "message_template_status_update", "value": {"event": "APPROVED",
     "message_template_id": 123, "message_template_name": "order_update",
     "message_template_language": "en_US", "reason": "NONE"}}]}]}

It arrives on the same signed callback as messages (the app subscribes the field), so the
webhook view applies it once the shared pipeline has verified and accepted the body. Only
the templates of this channel's workspace on the entry's WABA change; "Sync" stays the
way to catch up on anything missed.
"""

from __future__ import annotations

import json
import logging

from django.utils import timezone

from .models import MessageTemplate

log = logging.getLogger(__name__)

FIELD = "message_template_status_update"
# Meta's events -> our approval states; FLAGGED (a quality warning) changes nothing.
EVENTS = {
    "APPROVED": MessageTemplate.Status.APPROVED,
    "REINSTATED": MessageTemplate.Status.APPROVED,
    "REJECTED": MessageTemplate.Status.REJECTED,
    "PENDING": MessageTemplate.Status.PENDING,
    "PAUSED": MessageTemplate.Status.PAUSED,
    "DISABLED": MessageTemplate.Status.DISABLED,
    "PENDING_DELETION": MessageTemplate.Status.DISABLED,
    "IN_APPEAL": MessageTemplate.Status.IN_APPEAL,
}


def updates(body: bytes) -> list[tuple[str, dict]]:
    """(WABA id, value) of every template status change in a webhook body."""
    try:
        payload = json.loads(body or b"")
    except ValueError:
        return []
    if not isinstance(payload, dict):
        return []
    found = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict):
            continue
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and change.get("field") == FIELD:
                value = change.get("value")
                if isinstance(value, dict):
                    found.append((str(entry.get("id") or ""), value))
    return found


def apply(channel, body: bytes) -> int:
    """Apply the body's template status changes to this workspace's templates on the
    channel's WABA; how many rows changed."""
    waba_id = str(channel.config.get("waba_id") or "")
    changed = 0
    for entry_waba, value in updates(body):
        if entry_waba != waba_id:
            continue  # another account's templates are not this workspace's
        status = EVENTS.get(str(value.get("event") or "").upper())
        if status is None:
            continue
        rows = MessageTemplate.objects.filter(
            workspace_id=channel.workspace_id,
            channel__kind="whatsapp",
            channel__config__waba_id=waba_id,
        )
        provider_id = str(value.get("message_template_id") or "")
        name = str(value.get("message_template_name") or "")
        language = str(value.get("message_template_language") or "")
        by_id = rows.filter(provider_id=provider_id) if provider_id else rows.none()
        targets = by_id if by_id.exists() else rows.filter(name=name, language=language)
        reason = str(value.get("reason") or "")
        changed += targets.update(
            status=status,
            rejected_reason=reason[:200]
            if status == MessageTemplate.Status.REJECTED and reason.upper() != "NONE"
            else "",
            synced_at=timezone.now(),
            updated_at=timezone.now(),
        )
    if changed:
        log.info("whatsapp templates: %s status change(s) for WABA %s", changed, waba_id)
    return changed
