"""Settling an SMS send whose answer was lost, by looking it up at the provider.

Twilio has no idempotency key on Messages: repeating a send whose answer never came could
text the customer twice. But the account's Messages list can be read, filtered by To and
From, so the sweep looks for a message with this body created since the claim:

- found: the provider has it; the outbox records its sid (adopting callbacks that
  arrived meanwhile), so it is neither lost nor sent again;
- none: the provider never got it (the worker died before the request left, or the
  request was refused before a message was created): sending again is safe;
- the list could not be read now (down, 429): asked again at the next sweep.

The outbox calls this only once the call cannot still be in flight
(OUTBOX_RECONCILE_AFTER_SECONDS is well over the client's timeouts).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from inbox.adapters import (
    PermanentSendError,
    Reconciliation,
    SendResult,
    TransientSendError,
    Verdict,
)

from . import client

# The provider's clock may differ from ours: a message created this long before our
# claim still counts as this send's.
CLOCK_SKEW = timedelta(minutes=5)


def reconcile(creds: client.Credentials, *, to: str, from_: str, body: str, since: datetime):
    """FOUND (newest first), ABSENT, RETRY or UNKNOWN for one lost send of `body`."""
    earliest = since - CLOCK_SKEW
    try:
        listed = client.list_messages(creds, to=to, from_=from_, since=earliest)
    except TransientSendError as exc:
        return Reconciliation(Verdict.RETRY, reason=exc.reason)
    except PermanentSendError as exc:
        refused = gettext_lazy("the lookup was refused: {reason}")
        return Reconciliation(Verdict.UNKNOWN, reason=format_lazy(refused, reason=exc.reason))
    found = tuple(
        SendResult(
            provider_message_id=str(m["sid"]),
            status="sent",
            details={"sid": m["sid"], "status": m.get("status"), "reconciled": True},
        )
        for m in listed
        if m.get("sid")
        and str(m.get("direction", "")).startswith("outbound")
        and m.get("body", "") == body
        and (created := client.created_at(m)) is not None
        and created >= earliest
    )
    if found:
        return Reconciliation(Verdict.FOUND, found=found)
    return Reconciliation(Verdict.ABSENT, reason=gettext_lazy("no such message at the provider"))
