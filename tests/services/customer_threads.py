"""Shared by the conversation service tests: a customer thread made by the real ingest."""

from __future__ import annotations

import itertools

from inbox.adapters import InboundMessage
from inbox.services import ingest

_ids = itertools.count(1)


def customer_writes(channel, sender: str, text: str = "hi"):
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"wf-{next(_ids)}",
                sender=sender,
                recipient="+15550001",
                content={"type": "text", "text": text},
                text=text,
            )
        ],
    )
    return message


class Captured(list):
    """Receiver recording each signal's keyword arguments."""

    def __call__(self, sender, **kwargs):
        self.append(kwargs)
