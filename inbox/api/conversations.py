"""Conversations and their threads."""

from __future__ import annotations

import re

from django.http import HttpRequest
from ninja import Query, Router, Status

from inbox.models import ConversationStatus
from inbox.services import send_message, unread_counts
from inbox.services.new_conversation import start_conversation

from . import pagination, scope
from .auth import READ, SEND
from .errors import InvalidRequest
from .responses import answers
from .schemas import (
    ConversationPage,
    MessageOut,
    MessagePage,
    SendMessageIn,
    StartConversationIn,
    StartedConversationOut,
)
from .strict import known_query_only

router = Router(tags=["conversations"])

# Stated in the document, so a client knows before asking; ids stay inside bigint.
ASSIGNEE_PATTERN = r"^(?:me|none|[0-9]{1,18})$"


def _assignee_filter(request: HttpRequest, assignee: str) -> dict:
    if assignee == "none":
        return {"assignee__isnull": True}
    if assignee == "me":
        return {"assignee_id": scope.token(request).user_id}
    if re.fullmatch(ASSIGNEE_PATTERN, assignee):  # only digits are left to match
        return {"assignee_id": int(assignee)}
    raise InvalidRequest(['assignee: a user id, "me" or "none"'])


@router.get(
    "/conversations",
    response=answers({200: ConversationPage}, 422),
    summary="List conversations",
    auth=READ,
)
@known_query_only
def list_conversations(
    request: HttpRequest,
    status: ConversationStatus | None = None,
    channel: int | None = None,
    assignee: str | None = Query(
        None, description='A user id, "me" or "none"', pattern=ASSIGNEE_PATTERN
    ),
    cursor: str | None = Query(
        None, description=pagination.CURSOR_HELP, pattern=pagination.CONVERSATION_CURSOR
    ),
    limit: int = Query(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT),
):
    """Most recent activity first; follow `next_cursor` until it is null."""
    qs = scope.conversations(request).select_related("contact", "assignee")
    qs = qs.prefetch_related("contact__identities")
    if status:
        qs = qs.filter(status=status)
    if channel is not None:
        qs = qs.filter(channel_id=channel)
    if assignee:
        qs = qs.filter(**_assignee_filter(request, assignee))
    items, next_cursor = pagination.newest_activity_first(qs, cursor, limit)
    unread = unread_counts(items, scope.token(request).user) if items else {}
    for conversation in items:
        conversation.unread_count = unread.get(conversation.pk, 0)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/conversations/{conversation_id}/messages",
    response=answers({200: MessagePage}, 404, 422),
    summary="List a conversation's messages",
    auth=READ,
)
@known_query_only
def list_messages(
    request: HttpRequest,
    conversation_id: int,
    cursor: str | None = Query(
        None, description=pagination.CURSOR_HELP, pattern=pagination.MESSAGE_CURSOR
    ),
    limit: int = Query(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT),
):
    """Oldest first (thread order); follow `next_cursor` for newer messages."""
    conversation = scope.get_conversation(request, conversation_id)
    qs = scope.messages(request).filter(conversation=conversation)
    items, next_cursor = pagination.oldest_first(qs, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/conversations/{conversation_id}/messages",
    response=answers({201: MessageOut}, 400, 404, 422),
    summary="Send a message",
    auth=SEND,
)
@known_query_only
def create_message(request: HttpRequest, conversation_id: int, payload: SendMessageIn):
    """Queue a reply; 201 means committed as `queued`, delivery continues in the background.

    The channel validates the content first: a 422 lists every problem and writes nothing.
    """
    conversation = scope.get_conversation(request, conversation_id)
    channel = None
    if payload.channel_id is not None:
        channel = scope.channels(request).filter(pk=payload.channel_id).first()
        if channel is None:
            raise InvalidRequest([f"channel_id: no channel {payload.channel_id} in this workspace"])
    message = send_message(
        conversation,
        payload.content(),
        user=scope.token(request).user,
        channel=channel,
        ttl_seconds=payload.ttl_seconds,
    )
    return Status(201, message)


@router.post(
    "/conversations",
    response=answers({201: StartedConversationOut}, 400, 422),
    summary="Start a conversation",
    auth=SEND,
)
@known_query_only
def create_conversation(request: HttpRequest, payload: StartConversationIn):
    """Write first to `contact_id` or to `phone` (a new number becomes a contact). The
    customer's existing thread is reused; the message goes out like any reply. An invalid
    number, an opt-out on the channel, a channel that cannot reach the number, or content
    the channel refuses is a 422 listing the reasons, and nothing is written.
    """
    token = scope.token(request)
    if (payload.contact_id is None) == (payload.phone is None):
        raise InvalidRequest(["contact_id: give either contact_id or phone"])
    channel = scope.channels(request).filter(pk=payload.channel_id).first()
    if channel is None:
        raise InvalidRequest([f"channel_id: no channel {payload.channel_id} in this workspace"])
    contact = None
    if payload.contact_id is not None:
        contact = scope.contacts(request).filter(pk=payload.contact_id).first()
        if contact is None:
            raise InvalidRequest([f"contact_id: no contact {payload.contact_id} in this workspace"])
    conversation, message = start_conversation(
        workspace=token.workspace,
        channel=channel,
        content=payload.content(),
        user=token.user,
        contact=contact,
        phone=payload.phone or "",
        name=payload.name or "",
        country=payload.country,
    )
    conversation = (
        scope.conversations(request)
        .select_related("contact", "assignee")
        .prefetch_related("contact__identities")
        .get(pk=conversation.pk)
    )
    conversation.message_id = message.pk
    return Status(201, conversation)
