"""Notes in a thread that never leave the building: private notes and system notes.

Both are `Message(direction=internal)`, so they sit in the one timeline where the team
reads the conversation, but no send path ever picks them up (delivery only takes
outbound rows). Private notes are written by agents and may @mention teammates; system
notes are written by the workflow services ("Alice assigned this to Bob").
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox import realtime
from inbox.models import (
    Author,
    Conversation,
    Direction,
    Membership,
    Mention,
    Message,
    MessageStatus,
)
from inbox.realtime import publish
from inbox.storable import storable_text

MAX_NOTE_LENGTH = 4000
# Usernames as Django allows them (letters, digits and @.+-_), stopped by punctuation
# that ends a sentence so "@bob." still finds bob.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*[\w+-])")


def display_name(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.username


def mentioned_usernames(text: str) -> list[str]:
    """`@name` tokens in order of appearance, without duplicates (case kept)."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())


def _members_named(conversation: Conversation, names: list[str]) -> list:
    """Active members of the conversation's workspace among `names`: mentioning someone
    outside the workspace must not notify (or reveal) anyone."""
    if not names:
        return []
    lowered = {n.lower() for n in names}
    members = Membership.objects.filter(
        workspace_id=conversation.workspace_id, is_active=True
    ).select_related("user")
    return [m.user for m in members if m.user.username.lower() in lowered]


def add_note(conversation: Conversation, text: str, *, author) -> Message:
    """A private note by `author`; @mentions of workspace members become Mention rows."""
    text = storable_text(text or "").strip()
    if not text:
        raise ValidationError(_("A note cannot be empty."))
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(f"A note can be at most {MAX_NOTE_LENGTH} characters.")
    mentioned = _members_named(conversation, mentioned_usernames(text))
    with transaction.atomic():
        note = Message.objects.create(
            workspace_id=conversation.workspace_id,
            conversation=conversation,
            channel_id=conversation.channel_id,
            direction=Direction.INTERNAL,
            author=Author.AGENT,
            author_user=author,
            content={
                "type": "text",
                "text": text,
                "event": "note",
                "mentions": [u.username for u in mentioned],
            },
            text=text,
            status=MessageStatus.RECEIVED,
            created_at=timezone.now(),
        )
        notified = [user for user in mentioned if user != author]
        Mention.objects.bulk_create([Mention(message=note, user=user) for user in notified])
        realtime.message_changed(note, created=True)
        publish.mentioned(note, [user.pk for user in notified], display_name(author))
    return note


def system_note(conversation: Conversation, text: str, *, event: str, **data) -> Message:
    """A line in the thread recording what happened to the conversation (call it inside
    the transaction that made the change, so the note exists exactly when the change does)."""
    note = Message.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        channel_id=conversation.channel_id,
        direction=Direction.INTERNAL,
        author=Author.SYSTEM,
        content={"type": "text", "text": text, "event": event, **data},
        text=text,
        status=MessageStatus.RECEIVED,
        created_at=timezone.now(),
    )
    realtime.message_changed(note, created=True)
    return note


def mark_mentions_seen(conversation: Conversation, user) -> int:
    """Opening the thread is seeing the mentions in it."""
    return Mention.objects.filter(
        user=user, seen_at__isnull=True, message__conversation=conversation
    ).update(seen_at=timezone.now())


__all__ = [
    "add_note",
    "display_name",
    "mark_mentions_seen",
    "mentioned_usernames",
    "system_note",
]
