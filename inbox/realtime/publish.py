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


class _Callbacks:
    """One on_commit callback standing for many: run in the order they were added.

    Realtime is best effort, so one that raises is logged and the rest still run."""

    def __init__(self) -> None:
        self.calls: list = []
        self.keys: set = set()

    def __call__(self) -> None:
        for call in self.calls:
            try:
                call()
            except Exception:
                log.exception("an after-commit publication failed")


class _Batch:
    """What a `batched()` block collects: its frames by group, and its callbacks."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, dict]] = []
        self.connection = transaction.get_connection()
        self.loose: _Callbacks | None = None  # outside a transaction: run at the block's end

    def defer(self, func, key=None) -> None:
        """`transaction.on_commit(func)`, merged into the callback registered last when
        that one is this module's and nothing else (nor a savepoint) came in between,
        so the order of everything registered in the transaction is unchanged."""
        conn = self.connection
        if not conn.in_atomic_block:
            if self.loose is None:
                self.loose = _Callbacks()
            target = self.loose
        else:
            target = None
            if conn.run_on_commit:
                sids, last, _robust = conn.run_on_commit[-1]
                if isinstance(last, _Callbacks) and sids == set(conn.savepoint_ids):
                    target = last
            if target is None:
                target = _Callbacks()
                transaction.on_commit(target)
        if key is not None:
            if key in target.keys:  # the same idempotent call, already in this callback
                return
            target.keys.add(key)
        target.calls.append(func)


def _after_commit(group: str, payload: dict) -> None:
    batch = getattr(_collecting, "batch", None)
    if batch is not None:
        batch.frames.append((group, payload))
        return
    transaction.on_commit(lambda: _send(group, payload))


def _on_commit(func, key=None) -> None:
    """`transaction.on_commit`, or inside `batched()` part of the block's one callback;
    `key` names an idempotent call made once per callback (a campaign's touch)."""
    batch = getattr(_collecting, "batch", None)
    if batch is not None:
        batch.defer(func, key)
    else:
        transaction.on_commit(func)


def _publish_frames(frames: list[tuple[str, dict]]) -> None:
    by_group: dict[str, list[dict]] = {}
    for group, payload in frames:
        by_group.setdefault(group, []).append(payload)
    for group, payloads in by_group.items():
        if len(payloads) == 1:
            _send(group, payloads[0])
        else:
            _send(group, {"event": "batch", "events": payloads})


@contextmanager
def batched() -> Iterator[None]:
    """Inside one transaction: what is published in the block goes out after commit as
    one event per group ("batch", its events in order) instead of one per change, and
    the after-commit work of the block's changes (their domain signals, campaign
    touches, then those frames) is one on_commit callback, not a few per change.

    Applying a hundred inbound events would otherwise publish two hundred events, each
    fanned out to every agent's socket in the workspace; the socket relays a batch as
    one frame (inbox/consumers.py). A batch of one is published as the plain event.
    A campaign chunk of 500 messages would otherwise register 1,500 callbacks.
    Outside a transaction the block's work runs at its end.
    """
    if getattr(_collecting, "batch", None) is not None:  # the outer block publishes
        yield
        return
    _collecting.batch = batch = _Batch()
    try:
        yield
    finally:
        _collecting.batch = None
    if batch.frames:
        frames = batch.frames
        batch.defer(lambda: _publish_frames(frames))
    if batch.loose is not None:
        batch.loose()


def message_changed(message, *, created: bool = False) -> None:
    """Tell browsers (and in-process listeners of inbox.signals) after commit."""
    _on_commit(lambda: _signal_message_changed(message, created))
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
        _on_commit(lambda: campaign_progress.touch(campaign_id), key=("touch", campaign_id))


def _signal_message_changed(message, created: bool) -> None:
    # Imported here, once the apps are loaded (this module is imported by models' users);
    # after the first call the import is a dictionary hit, not the import machinery per
    # message that an import in `message_changed` cost (bench/campaign/RESULTS.md).
    global _signals, _message_model
    if _signals is None:
        from inbox import signals
        from inbox.models import Message

        _signals, _message_model = signals, Message
    _signals.send(_signals.message_changed, _message_model, message=message, created=created)


_signals = None
_message_model = None


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
