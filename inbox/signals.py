"""Domain events for in-process listeners (outbound webhooks, routing, notifications).

All are sent after the transaction that made the change commits, so a listener never
sees a change that is later rolled back, and a slow listener never holds a row lock.
Listeners receive `sender` = the model class and the keyword arguments named below.
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

# message=Message, created=bool (False: its status or content changed)
message_changed = Signal()
# conversation=Conversation, previous_assignee_id=int|None, actor=User|None
conversation_assigned = Signal()
# conversation=Conversation, previous_status=str, actor=User|None (None: the customer
# writing or a snooze ending)
conversation_status_changed = Signal()
# consent=Consent, previous_opted_out=bool|None (None: the address had no ledger row)
consent_changed = Signal()
# workspace_id=int, days=set[date]: messages were moved to another thread (a contact
# merge), written on these UTC days; what was computed from their old thread is stale
messages_moved = Signal()


def send(signal: Signal, sender, **kwargs) -> None:
    """Send to every listener; one failing listener is logged and never breaks the caller
    (the change it reports has already committed)."""
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            log.error("listener %r failed", receiver, exc_info=result)
