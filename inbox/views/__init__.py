"""Agent-facing pages and the htmx fragments the realtime client re-fetches.

Every lookup of tenant data goes through inbox.access; every write through inbox.services.
"""

from .actions import mark_read, reply, retry
from .composer import preview
from .fragments import conversation_list, message_row, thread
from .pages import home, inbox_page

__all__ = [
    "conversation_list",
    "home",
    "inbox_page",
    "mark_read",
    "message_row",
    "preview",
    "reply",
    "retry",
    "thread",
]
