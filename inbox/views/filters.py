"""The conversation list's filters, read from the query string so a view is a shareable URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.http import QueryDict

from inbox.models import Conversation, ConversationStatus

ALL = "all"


@dataclass(frozen=True)
class ConversationFilters:
    status: str = ConversationStatus.OPEN
    channel: int | None = None
    # "" (anyone), "me", "unassigned", or a user id.
    assignee: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ConversationFilters:
        """Unknown values fall back to the default rather than erroring: links outlive data."""
        status = query.get("status", ConversationStatus.OPEN)
        if status != ALL and status not in ConversationStatus.values:
            status = ConversationStatus.OPEN
        channel = query.get("channel", "")
        assignee = query.get("assignee", "")
        if assignee not in ("", "me", "unassigned") and not assignee.isdigit():
            assignee = ""
        return cls(
            status=status,
            channel=int(channel) if channel.isdigit() else None,
            assignee=assignee,
        )

    def apply(self, conversations: QuerySet[Conversation], user) -> QuerySet[Conversation]:
        if self.status != ALL:
            conversations = conversations.filter(status=self.status)
        if self.channel is not None:
            conversations = conversations.filter(channel_id=self.channel)
        if self.assignee == "me":
            conversations = conversations.filter(assignee=user)
        elif self.assignee == "unassigned":
            conversations = conversations.filter(assignee__isnull=True)
        elif self.assignee:
            conversations = conversations.filter(assignee_id=int(self.assignee))
        return conversations.order_by(F("last_message_at").desc(nulls_last=True), "-pk")

    def querystring(self, **extra) -> str:
        """Non-default filters as `?a=b`, carried on conversation links and fragment URLs."""
        params = {}
        if self.status != ConversationStatus.OPEN:
            params["status"] = self.status
        if self.channel is not None:
            params["channel"] = self.channel
        if self.assignee:
            params["assignee"] = self.assignee
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return "?" + urlencode(params) if params else ""
