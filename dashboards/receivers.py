"""Listeners on the inbox's domain signals (all sent after commit).

- A message created or changed marks its UTC day for the next roll-up, and so do the
  messages a contact merge moved into another thread. The periodic
  roll-up recomputes today and yesterday anyway and follows status events by id; this
  catches the rest (a message stored with an older provider timestamp, a status on a
  message from last week) without scanning the message table.
- A conversation's status change and an opt-out/opt-in are recorded as events: the inbox
  rows keep only the current state, the dashboards need every change.
"""

from __future__ import annotations

from django.dispatch import receiver

from inbox import signals


@receiver(signals.message_changed)
def mark_day_dirty(sender, message, **kwargs) -> None:
    from .rollup.dirty import mark

    mark(message.workspace_id, message.created_at)


@receiver(signals.messages_moved)
def mark_days_dirty(sender, workspace_id: int, days, **kwargs) -> None:
    """A contact merge moved messages between threads: the days they were written are
    recomputed, and the later resolutions whose stretch covers them asked again."""
    import datetime as dt

    from .rollup.dirty import mark

    for day in days:
        mark(workspace_id, dt.datetime.combine(day, dt.time(), dt.UTC))


@receiver(signals.conversation_status_changed)
def record_status_change(sender, conversation, previous_status: str = "", **kwargs) -> None:
    from .events import record_status_change

    record_status_change(conversation, previous_status, kwargs.get("actor"))


@receiver(signals.consent_changed)
def record_consent_change(sender, consent, **kwargs) -> None:
    from .events import record_consent_change

    record_consent_change(consent)
