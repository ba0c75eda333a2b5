"""Outbound-webhook delivery bodies carry message text: erasure and retention blank them.

The delivery log keeps the fact (which event, when, to which webhook, with what outcome);
the body is rewritten to its envelope with the data replaced by `{"erased": true}`, so the
log page still reads right and nothing of the contact's messages survives in it. A
delivery still pending is not sent with a blank body: it ends as failed, saying why.

Bodies are JSON text (see dispatch.emit); they are matched as jsonb. There is no index on
what they reference, so a run reads the workspace's deliveries in the window it is given;
erasure is rare and retention runs hourly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, UUIDField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from inbox.models import Message
from workspace_settings.models import DeliveryStatus, WebhookDelivery

ERASED_DATA = {"erased": True}


def _deliveries(workspace_id: int) -> QuerySet[WebhookDelivery]:
    """The workspace's delivery bodies not yet blanked, parsed as jsonb."""
    return (
        WebhookDelivery.objects.filter(webhook__workspace_id=workspace_id)
        .annotate(doc=Cast("body", JSONField()))
        .exclude(doc__data=ERASED_DATA)
    )


def _blank(deliveries: QuerySet[WebhookDelivery]) -> int:
    rows = list(deliveries.only("pk", "body", "status"))
    for delivery in rows:
        try:
            envelope = json.loads(delivery.body)
        except ValueError:
            envelope = {}
        kept = {
            k: envelope[k] for k in ("id", "event", "created_at", "workspace_id") if k in envelope
        }
        delivery.body = json.dumps({**kept, "data": ERASED_DATA}, separators=(",", ":"))
        fields = ["body"]
        if delivery.status == DeliveryStatus.PENDING:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.error = _("Not sent: the data it carried was erased.")[:300]
            fields += ["status", "next_attempt_at", "error"]
        delivery.save(update_fields=fields)
    return len(rows)


def erase_for_conversations(workspace_id: int, conversation_ids: Iterable[int]) -> int:
    """Blank every delivery about these conversations or their messages (contact erasure)."""
    ids = list(conversation_ids)
    if not ids:
        return 0
    about = Q(doc__data__message__conversation_id__in=ids) | Q(doc__data__conversation__id__in=ids)
    return _blank(_deliveries(workspace_id).filter(about))


def erase_expired(workspace_id: int, *, cutoff: datetime) -> int:
    """Blank deliveries older than the retention cutoff, and newer ones (a late status
    change) about messages that are gone."""
    old = _deliveries(workspace_id).filter(created_at__lt=cutoff)
    message_gone = (
        _deliveries(workspace_id)
        .filter(created_at__gte=cutoff, event__startswith="message.")
        .annotate(message_id=KT("doc__data__message__id"))
        .filter(message_id__isnull=False)
        .exclude(Exists(Message.objects.filter(pk=Cast(OuterRef("message_id"), UUIDField()))))
    )
    return _blank(old) + _blank(message_gone)
