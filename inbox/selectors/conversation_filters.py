"""The conversation list's view and filters, read from the query string so a view is a
shareable URL, and the query they make (paged by inbox.selectors.cursor).

Views (tabs): all, mine, unassigned, or one team ("team-<id>"). Filters: status, channel,
label, assignee, and a search box. Every combination orders by
``last_message_at DESC NULLS LAST, id DESC``, the order of the recency indexes in
migration 0008, so the first page and every "Load more" read at most one page of index.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict

from inbox import access
from inbox.models import Conversation, ConversationStatus, Workspace
from inbox.services import search

from .cursor import ConversationCursor

ALL = "all"
MINE = "mine"
UNASSIGNED = "unassigned"
TEAM_PREFIX = "team-"


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


@dataclass(frozen=True)
class ConversationFilters:
    view: str = ALL
    team: int | None = None
    status: str = ConversationStatus.OPEN
    channel: int | None = None
    label: int | None = None
    # "" (anyone), "me", "unassigned", or a user id.
    assignee: str = ""
    q: str = ""
    # How far down the list is loaded ("Load more" clicked): a live refresh re-fetches
    # every row down to here instead of dropping back to the first page. Not a filter:
    # never carried on links.
    through: ConversationCursor | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> ConversationFilters:
        """Unknown values fall back to the default rather than erroring: links outlive data."""
        status = query.get("status", ConversationStatus.OPEN)
        if status != ALL and status not in ConversationStatus.values:
            status = ConversationStatus.OPEN
        view = query.get("view", ALL)
        team = None
        if view.startswith(TEAM_PREFIX):
            team = _int_or_none(view.removeprefix(TEAM_PREFIX))
            view = ALL if team is None else "team"
        elif view not in (ALL, MINE, UNASSIGNED):
            view = ALL
        assignee = query.get("assignee", "")
        if assignee not in ("", "me", "unassigned") and _int_or_none(assignee) is None:
            assignee = ""
        return cls(
            view=view,
            team=team,
            status=status,
            channel=_int_or_none(query.get("channel", "")),
            label=_int_or_none(query.get("label", "")),
            assignee=assignee,
            q=search.normalize(query.get("q", "")),
            through=ConversationCursor.parse(query.get("through", "")),
        )

    @property
    def view_key(self) -> str:
        """The tab this is, as the `view` parameter spells it."""
        return f"{TEAM_PREFIX}{self.team}" if self.view == "team" else self.view

    def narrow(self, workspace: Workspace, user) -> QuerySet[Conversation]:
        """The workspace's conversations in this view and filters, unordered and without
        the search (the unread badge counts the view, not the search)."""
        conversations = access.conversations(workspace)
        if self.view == MINE:
            conversations = conversations.filter(assignee=user)
        elif self.view == UNASSIGNED:
            conversations = conversations.filter(assignee__isnull=True)
        elif self.view == "team":
            conversations = conversations.filter(team_id=self.team)
        if self.status != ALL:
            conversations = conversations.filter(status=self.status)
        if self.channel is not None:
            conversations = conversations.filter(channel_id=self.channel)
        if self.label is not None:
            conversations = conversations.filter(labels__id=self.label)
        if self.assignee == "me":
            conversations = conversations.filter(assignee=user)
        elif self.assignee == "unassigned":
            conversations = conversations.filter(assignee__isnull=True)
        elif self.assignee:
            conversations = conversations.filter(assignee_id=int(self.assignee))
        return conversations

    def apply(
        self,
        workspace: Workspace,
        user,
        cursor: ConversationCursor | None = None,
        *,
        through: ConversationCursor | None = None,
    ) -> QuerySet[Conversation]:
        """The view's rows after `cursor` (and no further down than `through`), in list
        order; the caller slices. A search is not applied here: it has an order of its own
        (conversation_list's `_search`, newest match first)."""
        conversations = self.narrow(workspace, user)
        if cursor is not None:
            conversations = conversations.filter(cursor.after())
        if through is not None:
            conversations = conversations.filter(through.at_or_before())
        return conversations.order_by(search.LIST_ORDER, "-pk")

    def querystring(self, **extra) -> str:
        """Non-default filters as `?a=b`, carried on conversation links and fragment URLs."""
        params = self.params()
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return "?" + urlencode(params) if params else ""

    def params(self, *, view: bool = True) -> dict[str, str]:
        params: dict[str, str] = {}
        if view and self.view != ALL:
            params["view"] = self.view_key
        if self.status != ConversationStatus.OPEN:
            params["status"] = self.status
        if self.channel is not None:
            params["channel"] = str(self.channel)
        if self.label is not None:
            params["label"] = str(self.label)
        if self.assignee:
            params["assignee"] = self.assignee
        if self.q:
            params["q"] = self.q
        return params

    def view_querystring(self, view_key: str) -> str:
        """This URL's filters on another tab (tabs keep status, channel, label and search)."""
        params = self.params(view=False)
        if view_key != ALL:
            params = {"view": view_key, **params}
        return "?" + urlencode(params) if params else ""
