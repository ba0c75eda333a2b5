"""The one place API queries are scoped to the token's workspace.

Every view starts from these querysets, so another workspace's rows are simply absent
(a 404, never a 403 that would confirm they exist).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from inbox.models import ApiToken, Channel, Contact, Conversation, Message


def token(request: HttpRequest) -> ApiToken:
    return request.auth


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
