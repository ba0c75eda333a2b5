"""Single messages, with the audit trail of every status they went through."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from inbox.models import MessageStatusEvent

from . import scope
from .auth import READ
from .responses import answers
from .schemas import MessageDetail
from .strict import known_query_only

router = Router(tags=["messages"])


@router.get(
    "/messages/{message_id}",
    response=answers({200: MessageDetail}, 404, 422),
    summary="Get a message",
    auth=READ,
)
@known_query_only
def get_message(request: HttpRequest, message_id: UUID):
    """Includes `status_events`: late or out-of-order reports show with applied=false."""
    events = MessageStatusEvent.objects.order_by("at", "pk")
    qs = scope.messages(request).prefetch_related(Prefetch("status_events", queryset=events))
    return get_object_or_404(qs, pk=message_id)
