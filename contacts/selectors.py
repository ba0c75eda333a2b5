"""Reads the contacts pages need beyond inbox's: a contact's consent history, which the
dashboards' event table keeps (the opt-out ledger holds only the current state)."""

from __future__ import annotations

from dashboards.models import ConsentEvent
from inbox.models import Channel, Consent, Contact, Workspace

HISTORY_LIMIT = 50


def consent_history(*, workspace: Workspace, contact: Contact) -> list[dict]:
    """Opt-outs and opt-ins of the contact's addresses, newest first, with the channel."""
    addresses = list(contact.identities.values_list("value", flat=True))
    ledger = dict(
        Consent.objects.filter(workspace=workspace, address__in=addresses).values_list(
            "pk", "address"
        )
    )
    events = list(
        ConsentEvent.objects.filter(workspace=workspace, consent_id__in=list(ledger)).order_by(
            "-at", "-pk"
        )[:HISTORY_LIMIT]
    )
    channels = Channel.objects.in_bulk({event.channel_id for event in events})
    return [
        {
            "at": event.at,
            "opted_out": event.opted_out,
            "source": event.source,
            "address": ledger.get(event.consent_id, ""),
            "channel": channels.get(event.channel_id),
        }
        for event in events
    ]
