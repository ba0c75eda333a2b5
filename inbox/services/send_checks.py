"""What refuses an outbound message before anything is written, in one place.

`send_message` asks these for one reply; the bulk writer (outbox/bulk_enqueue.py) asks
the same functions for a whole campaign chunk, reading what can be read once (the
workspace's suspension, the addresses, the opt-out ledger) once per chunk. Keeping one
implementation means a rule added here holds for both paths: a campaign recipient is
refused for exactly the reasons an agent's reply would be.

The order is the same for both: the channel (workspace, disabled, suspended), then the
content (schema, the adapter's limits, the conversation's rules), then the recipient
(an address to send to, the opt-out ledger).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inbox.content import validate
from inbox.models import Channel, Conversation
from inbox.storable import storable

from .customer_language import with_customer_language
from .errors import SendRejected
from .outbox.recipient import NO_ADDRESS
from .workspaces import is_suspended

# Replies already queued when an operator suspends the workspace wait for the resume
# (delivery skips them); new ones are refused here, with this reason, and nothing written.
SUSPENDED = "workspace: suspended by the operator; nothing can be sent until it is resumed"


@dataclass(frozen=True)
class Prepared:
    """Content as it will be stored and sent, and its plain-text rendering."""

    content: dict
    text: str


def validate_content(content: dict) -> list[str]:
    """Schema checks common to every channel (channel limits are the adapter's)."""
    if isinstance(content, dict) and content.get("type") == "text":
        if not str(content.get("text", "")).strip():
            return ["content.text: must not be empty"]
    return validate(content)


def channel_problems(channel: Channel, workspace_id: int) -> list[str]:
    """Why nothing at all may be sent on `channel` for this workspace now ([] if it may)."""
    if channel.workspace_id != workspace_id:
        return ["channel: not in this workspace"]
    if not channel.is_active:
        return ["channel: disabled"]
    if is_suspended(workspace_id):
        return [SUSPENDED]
    return []


def prepare(conversation: Conversation, content: dict, channel: Channel) -> Prepared:
    """The content made storable, stamped with the customer's language and checked by the
    schema and the channel's adapter (for this conversation); SendRejected otherwise.
    Reads `conversation.contact`: the bulk writer hands it in already loaded."""
    content = storable(content)  # a NUL from an API client or a form is dropped, not a 500
    content = with_customer_language(content, conversation.contact, channel)
    adapter = channel.adapter
    errors = (
        validate_content(content)
        or adapter.validate(channel, content)
        or adapter.validate_for_conversation(channel, conversation=conversation, content=content)
    )
    if errors:
        raise SendRejected(errors)
    return Prepared(content, adapter.render_text(content))


def recipient_problems(address: str | None, refused: Mapping[str, str]) -> list[str]:
    """Why the customer at `address` cannot be written to: no address at all, or the
    opt-out ledger's reason (`refused`: consent.opt_out_reasons for the channel)."""
    if address is None:
        return [NO_ADDRESS]
    reason = refused.get(address)
    return [reason] if reason else []
