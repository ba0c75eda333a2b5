"""What the conversation list renders, shared by the full page and its htmx fragment, so
the first render and every live re-fetch show the same rows, badge and title."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from inbox.models import Conversation, Membership, Workspace
from inbox.selectors import conversation_list
from inbox.selectors.conversation_filters import (
    ALL,
    MINE,
    TEAM_PREFIX,
    UNASSIGNED,
    ConversationFilters,
)
from inbox.selectors.conversation_list import conversation_page, unread_label, unread_total
from inbox.selectors.cursor import ConversationCursor
from inbox.selectors.teams import workspace_teams


def list_context(
    membership: Membership,
    user,
    filters: ConversationFilters,
    *,
    selected_id: int | None,
    cursor: ConversationCursor | None = None,
) -> dict:
    """Rows of one page, the next page's URL, and the view's unread badge."""
    workspace = membership.workspace
    page = conversation_page(
        workspace=workspace,
        user=user,
        filters=filters,
        cursor=cursor,
        limit=conversation_list.LIST_LIMIT,
    )
    fragment_url = reverse("inbox:list_fragment", args=[workspace.slug])
    context = {
        "workspace": workspace,
        "filters": filters,
        "filter_qs": filters.querystring(),
        "conversations": page.rows,
        "selected_id": selected_id,
        # A refresh sends the last row's cursor as `through` once the list is longer than
        # this (static/inbox/live_socket.js), and gets every row down to it back.
        "page_size": conversation_list.LIST_LIMIT,
        "list_url": fragment_url + filters.querystring(selected=selected_id),
        "more_url": (
            fragment_url + filters.querystring(selected=selected_id, cursor=page.next_cursor)
            if page.next_cursor
            else None
        ),
        # The search stopped at its bound: the button reads on into older messages.
        "search_older": page.older,
    }
    if cursor is None:  # later pages carry rows only; the badge belongs to the first
        count = unread_total(workspace=workspace, user=user, filters=filters)
        context["unread_total"] = count
        context["unread_label"] = unread_label(count)
    return context


def page_title(workspace: Workspace, context: dict, selected: Conversation | None) -> str:
    """ "(3) Ana García · Acme · Inbox": the page's <title>, re-sent with each list fetch
    so the tab shows the unread count live (htmx applies a fragment's <title>)."""
    parts = [selected.contact.display_name] if selected is not None else []
    parts += [workspace.name, _("Inbox")]
    title = " · ".join(parts)
    count = context.get("unread_total", 0)
    return f"({context['unread_label']}) {title}" if count else title


def view_tabs(workspace: Workspace, filters: ConversationFilters) -> list[dict]:
    """All / Mine / Unassigned / one per team, each keeping the other filters."""
    tabs = [(_("All"), ALL), (_("Mine"), MINE), (_("Unassigned"), UNASSIGNED)]
    teams = workspace_teams(workspace=workspace).values_list("pk", "name")
    tabs += [(name, f"{TEAM_PREFIX}{pk}") for pk, name in teams]
    base = reverse("inbox:workspace", args=[workspace.slug])
    return [
        {
            "label": label,
            "key": key,
            "url": base + filters.view_querystring(key),
            "current": key == filters.view_key,
        }
        for label, key in tabs
    ]
