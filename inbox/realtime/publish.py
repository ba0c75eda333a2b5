"""Publishing to Channels groups, always after the transaction commits.

Events are small JSON facts ("message 123 changed"); each browser tab then renders or
fetches what it shows. Losing one is harmless: a reconnecting tab catches up from the
database, never from this stream.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from channels.layers import get_channel_layer
from django.db import transaction

from . import campaign_progress
from . import pump as pump_module

log = logging.getLogger(__name__)


def workspace_group(workspace_id: int) -> str:
    return f"ws-{workspace_id}"


def conversation_group(conversation_id: int) -> str:
    return f"conv-{conversation_id}"


def _send(group: str, payload: dict) -> None:
    if get_channel_layer() is None:
        return
    pump_module.pump.send(group, {"type": "inbox.event", **payload})


_collecting = threading.local()


def _after_commit(group: str, payload: dict) -> None:
    pending = getattr(_collecting, "events", None)
    if pending is not None:
        pending.append((group, payload))
        return
    transaction.on_commit(lambda: _send(group, payload))


@contextmanager
def batched() -> Iterator[None]:
    """Inside one transaction: what is published in the block goes out after commit as
    one event per group ("batch", its events in order) instead of one per change.

    Applying a hundred inbound events would otherwise publish two hundred events, each
    fanned out to every agent's socket in the workspace; the socket relays a batch as
    one frame (inbox/consumers.py). A batch of one is published as the plain event.
    """
    outer = getattr(_collecting, "events", None)
    if outer is not None:  # already collecting: the outer block publishes
        yield
        return
    _collecting.events = pending = []
    try:
        yield
    finally:
        _collecting.events = None
    by_group: dict[str, list[dict]] = {}
    for group, payload in pending:
        by_group.setdefault(group, []).append(payload)
    for group, payloads in by_group.items():
        if len(payloads) == 1:
            transaction.on_commit(lambda g=group, p=payloads[0]: _send(g, p))
        else:
            batch = {"event": "batch", "events": payloads}
            transaction.on_commit(lambda g=group, b=batch: _send(g, b))


def message_changed(message, *, created: bool = False) -> None:
    """Tell browsers (and in-process listeners of inbox.signals) after commit."""
    from inbox import signals
    from inbox.models import Message

    transaction.on_commit(
        lambda: signals.send(signals.message_changed, Message, message=message, created=created)
    )
    payload = {
        "event": "message.created" if created else "message.updated",
        "conversation_id": message.conversation_id,
        "message_id": str(message.id),
        "status": message.status,
        "direction": message.direction,
    }
    if created:
        # Lets each tab decide "a message in a conversation assigned to me" without asking.
        payload["assignee_id"] = _assignee_id(message)
    _after_commit(conversation_group(message.conversation_id), payload)
    _after_commit(workspace_group(message.workspace_id), payload)
    # A campaign's message: its progress frame (throttled there, not one per message).
    # Read from __dict__ so an instance loaded without the column costs no query.
    campaign_id = message.__dict__.get("campaign_id")
    if campaign_id:
        transaction.on_commit(lambda: campaign_progress.touch(campaign_id))


def _assignee_id(message) -> int | None:
    from inbox.models import Conversation, Message

    if Message.conversation.is_cached(message):
        return message.conversation.assignee_id
    return (
        Conversation.objects.filter(pk=message.conversation_id)
        .values_list("assignee_id", flat=True)
        .first()
    )


def conversation_changed(conversation) -> None:
    _after_commit(
        workspace_group(conversation.workspace_id),
        {
            "event": "conversation.updated",
            "conversation_id": conversation.pk,
            "assignee_id": conversation.assignee_id,
        },
    )


def mentioned(note, user_ids: list[int], author_name: str) -> None:
    """Teammates @mentioned in a note; only their tabs notify (the ids are in the event)."""
    if not user_ids:
        return
    _after_commit(
        workspace_group(note.workspace_id),
        {
            "event": "mention",
            "conversation_id": note.conversation_id,
            "message_id": str(note.id),
            "user_ids": list(user_ids),
            "author_id": note.author_user_id,
            "author": author_name,
        },
    )


def typing_changed(
    conversation, *, who: str, is_typing: bool, user_id: int | None = None, name: str = ""
) -> None:
    """Typing is ephemeral: published at once, never stored."""
    _send(
        conversation_group(conversation.pk),
        {
            "event": "typing",
            "conversation_id": conversation.pk,
            "who": who,
            "user_id": user_id,
            "name": name,
            "is_typing": is_typing,
        },
    )


def presence_changed(membership) -> None:
    """A teammate went online / away / offline; the page re-reads the team from the DB."""
    user = membership.user
    _after_commit(
        workspace_group(membership.workspace_id),
        {
            "event": "presence",
            "user_id": membership.user_id,
            "name": user.get_full_name() or user.get_username(),
            "status": membership.presence,
        },
    )


def viewers_changed(conversation_id: int, viewers: list[dict]) -> None:
    """Who has the conversation open (ephemeral like typing: published at once)."""
    _send(
        conversation_group(conversation_id),
        {"event": "viewers", "conversation_id": conversation_id, "viewers": viewers},
    )
