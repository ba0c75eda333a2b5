"""The composer's "/" picker: canned responses, filled for this contact and agent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from inbox.selectors.canned_responses import canned_responses_matching
from inbox.services.canned import render_canned

from .conversation_request import load_conversation, picker_query


@require_GET
@login_required
def canned_responses(request: HttpRequest, slug: str, conversation_id: int) -> HttpResponse:
    """Matches on shortcut or title, bodies filled on the server (variables never reach
    the browser unfilled)."""
    membership, conversation = load_conversation(request, slug, conversation_id)
    query = picker_query(request).lstrip("/")
    found = canned_responses_matching(workspace=membership.workspace, query=query)
    items = [
        {
            "shortcut": c.shortcut,
            "title": c.title,
            "body": render_canned(c.body, conversation.contact, request.user),
        }
        for c in found
    ]
    return render(
        request,
        "inbox/_canned_list.html",
        {"items": items, "query": query, "workspace": membership.workspace},
    )
