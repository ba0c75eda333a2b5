"""Numbered options on text-only channels: a customer's "2" means the second chip.

When rich suggestions went out as text ("Reply 1 for Yes, 2 for No"), the next inbound
message that is just a listed number, or an option's text, is stored as the
suggestion_response a tap would have produced, so bots, reports and agents see one shape
whatever channel the customer used. The original text is kept.
"""

from __future__ import annotations

from inbox.content import reply_options
from inbox.models import Conversation, Direction, Message


def interpret_reply(conversation: Conversation, content: dict) -> dict:
    if content.get("type") != "text":
        return content
    latest = (
        Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND)
        .select_related("channel")
        .order_by("-created_at")
        .first()
    )
    return interpret_reply_to(latest, content)


def interpret_reply_to(latest: Message | None, content: dict) -> dict:
    """interpret_reply against the thread's latest outbound message, already read (the
    batched apply reads it for a whole batch's threads in one query)."""
    if content.get("type") != "text":
        return content
    if latest is None or latest.channel.adapter.capabilities(latest.channel).suggestions:
        return content  # the customer could tap real chips; their text is just text
    typed = str(content.get("text", "")).strip()
    folded = typed.rstrip(".!").casefold()
    for option in reply_options(latest.content):
        if folded == str(option["number"]) or folded == option["text"].casefold():
            return {
                "type": "suggestion_response",
                "text": option["text"],
                "postback": option["postback"],
                "original_text": typed,
                "in_reply_to": str(latest.pk),
            }
    return content
