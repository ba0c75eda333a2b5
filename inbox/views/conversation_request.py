"""What every action on one conversation's URL (`/w/<slug>/c/<id>/...`) starts and ends
with: the member and the conversation, scoped, and the way back to the thread.

The actions answer htmx with the fragment to swap (422 with the reason when a service
refuses) and a plain form post with a redirect, so each also works without JavaScript.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from inbox import access
from inbox.models import Conversation, Membership
from inbox.services import search

from .workspace_timezone import activate_workspace_timezone

UNPROCESSABLE = 422


def load_conversation(
    request: HttpRequest, slug: str, conversation_id: int, *, roles: tuple[str, ...] = ()
) -> tuple[Membership, Conversation]:
    """The member (with one of `roles`, when given: 403 otherwise) and the conversation
    (404 outside the workspace), with the workspace's time zone active."""
    membership = (
        access.membership_with_role(request.user, slug, *roles)
        if roles
        else access.membership_for(request.user, slug)
    )
    activate_workspace_timezone(membership.workspace)
    conversation = access.conversation_for(membership.workspace, conversation_id)
    return membership, conversation


def reload_conversation(conversation: Conversation) -> Conversation:
    """The conversation as a service just left it, for the fragment that shows the change."""
    return access.conversation_for(conversation.workspace, conversation.pk)


def back_to_conversation(*, slug: str, conversation_id: int) -> HttpResponse:
    """After a plain form post: back to the thread (POST/redirect/GET)."""
    return redirect(reverse("inbox:conversation", args=[slug, conversation_id]))


def errors_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def picker_query(request: HttpRequest) -> str:
    """What a picker's box holds, as the conversation search reads its own: a NUL pasted
    into it would otherwise reach PostgreSQL, which refuses it with a 500."""
    return search.normalize(request.GET.get("q", ""))
