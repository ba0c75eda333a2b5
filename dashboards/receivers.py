"""A message created or changed marks its UTC day for the next roll-up.

The periodic roll-up recomputes today and yesterday anyway and follows status events by
id; this catches the rest (a message stored with an older provider timestamp, a status on
a message from last week) without scanning the message table.
"""

from __future__ import annotations

from django.dispatch import receiver

from inbox import signals


@receiver(signals.message_changed)
def mark_day_dirty(sender, message, **kwargs) -> None:
    from .rollup.dirty import mark

    mark(message.workspace_id, message.created_at)
