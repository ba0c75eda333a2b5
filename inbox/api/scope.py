"""The one place API queries are scoped to the token's workspace.

Every view starts from these querysets, so another workspace's rows are simply absent
(a 404, never a 403 that would confirm they exist).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Status

from inbox.models import ApiToken, Channel, Contact, Conversation, Message, Role

# Who may run a workspace's lists and broadcasts (imports, campaigns), as on the pages.
MANAGING_ROLES = (Role.ADMIN, Role.MANAGER)


def token(request: HttpRequest) -> ApiToken:
    return request.auth


def refuse_unless_managing(request: HttpRequest, reason: str) -> Status | None:
    """A 403 naming `reason` when the token's holder is an agent; None for a manager or
    an admin. Scopes say what a token may do; this is what its member may do."""
    if token(request).member_role in MANAGING_ROLES:
        return None
    return Status(403, {"detail": "Forbidden", "errors": [reason]})


def conversations(request: HttpRequest) -> QuerySet[Conversation]:
    return Conversation.objects.filter(workspace_id=token(request).workspace_id)


def messages(request: HttpRequest) -> QuerySet[Message]:
    return Message.objects.filter(workspace_id=token(request).workspace_id)


def channels(request: HttpRequest) -> QuerySet[Channel]:
    return Channel.objects.filter(workspace_id=token(request).workspace_id)


def contacts(request: HttpRequest) -> QuerySet[Contact]:
    return Contact.objects.filter(workspace_id=token(request).workspace_id)


def get_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    return get_object_or_404(conversations(request), pk=conversation_id)
