"""What counts as a response, a reply and a resolution (docs/METRICS.md says it in words).

- A customer message: direction inbound, author contact (system notes are internal).
- An agent response: direction outbound, author agent (bots and system messages are not
  responses: the clock measures people answering people).
- A wait: starts at the first customer message after the previous agent response (or the
  first customer message of the conversation) and ends at the next agent response.
  Response time = that wait, in business hours when the workspace has them enabled.
  First response time = the conversation's first wait (no agent response before it).
  A response is dated by the moment the agent answered.
- A reply to an outbound message: any customer message in the same conversation within
  REPLY_WINDOW after it. Every outbound message in a burst before that reply counts as
  replied.
- A resolution: every change of status to resolved (the dashboards' status history, and
  Conversation.resolved_at for history older than it); resolution time runs from the
  first customer message after the previous resolution (or the conversation's creation)
  to the resolution. Without a customer message since the previous resolution it still
  counts, but has no duration.
"""

from __future__ import annotations

import datetime as dt

REPLY_WINDOW = dt.timedelta(hours=24)

CUSTOMER = {"direction": "inbound", "author": "contact"}
AGENT_RESPONSE = {"direction": "outbound", "author": "agent"}
