"""RCS reachability as a contact fact: each contact's capability answer per channel, kept
with its age and refreshed in bulk, oldest first, a bounded batch per run.

Channels take part when their adapter has a capability lookup (it overrides `reachable`
or `reachable_many`, as RCS does; SMS reaches every phone and has none). The adapter's
`reachable_many` is the only call made, so a provider with a batch lookup spends one
request on the whole batch; the batch size and the beat interval together bound the
rate at which we ask (REACHABILITY_BATCH_SIZE per REACHABILITY_REFRESH_SECONDS per
channel). An answer of None ("the provider could not say") is stored too, so a failing
number does not hold the head of the queue; it is asked again when stale.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from inbox.adapters import ChannelAdapter
from inbox.models import Channel, ContactIdentity, ContactReachability

log = logging.getLogger(__name__)


def has_capability_lookup(adapter: ChannelAdapter) -> bool:
    kind = type(adapter)
    return (
        kind.reachable is not ChannelAdapter.reachable
        or kind.reachable_many is not ChannelAdapter.reachable_many
    )


def lookup_channels() -> list[Channel]:
    """Active channels, in every workspace, whose adapter can look capability up."""
    return [
        channel
        for channel in Channel.objects.filter(is_active=True).select_related("workspace")
        if _adapter(channel) is not None and has_capability_lookup(_adapter(channel))
    ]


def stale_addresses(
    *, channel: Channel, limit: int, now: datetime.datetime | None = None
) -> dict[str, int]:
    """{phone: contact id} to ask about next: contacts never checked on this channel
    first (by id), then the oldest answers past REACHABILITY_MAX_AGE_HOURS."""
    now = now or timezone.now()
    phones = ContactIdentity.objects.filter(
        workspace_id=channel.workspace_id, kind=ContactIdentity.Kind.PHONE
    )
    never = phones.exclude(
        Exists(
            ContactReachability.objects.filter(contact_id=OuterRef("contact_id"), channel=channel)
        )
    ).order_by("pk")
    chosen: dict[str, int] = {}
    seen: set[int] = set()
    for value, contact_id in never.values_list("value", "contact_id")[: limit * 2]:
        if contact_id not in seen and len(chosen) < limit:
            seen.add(contact_id)
            chosen[value] = contact_id
    room = limit - len(chosen)
    if room > 0:
        stale_before = now - datetime.timedelta(hours=settings.REACHABILITY_MAX_AGE_HOURS)
        old = (
            ContactReachability.objects.filter(channel=channel, checked_at__lt=stale_before)
            .order_by("checked_at", "pk")
            .values_list("contact_id", flat=True)[:room]
        )
        ids = [pk for pk in old if pk not in seen]
        first_phone: dict[int, str] = {}
        for value, contact_id in (
            phones.filter(contact_id__in=ids).order_by("pk").values_list("value", "contact_id")
        ):
            first_phone.setdefault(contact_id, value)
        for contact_id in ids:
            if contact_id in first_phone:
                chosen[first_phone[contact_id]] = contact_id
    return chosen


def refresh_reachability(
    *, channel: Channel, limit: int | None = None, now: datetime.datetime | None = None
) -> int:
    """Ask the provider about the next batch of stale contacts and store the answers;
    how many were stored. Provider errors propagate (the task retries next run)."""
    adapter = _adapter(channel)
    if adapter is None or not has_capability_lookup(adapter):
        return 0
    chosen = stale_addresses(
        channel=channel, limit=limit or settings.REACHABILITY_BATCH_SIZE, now=now
    )
    if not chosen:
        return 0
    answers = adapter.reachable_many(channel, list(chosen))
    checked_at = now or timezone.now()
    rows = [
        ContactReachability(
            contact_id=contact_id,
            channel=channel,
            reachable=answers.get(address),
            checked_at=checked_at,
        )
        for address, contact_id in chosen.items()
    ]
    ContactReachability.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["contact", "channel"],
        update_fields=["reachable", "checked_at"],
    )
    return len(rows)


def refresh_all(*, now: datetime.datetime | None = None) -> dict[int, int]:
    """One bounded batch for every channel with a lookup: {channel id: answers stored}."""
    return {
        channel.pk: refresh_reachability(channel=channel, now=now) for channel in lookup_channels()
    }


def _adapter(channel: Channel) -> ChannelAdapter | None:
    try:
        return channel.adapter
    except LookupError:  # a channel whose app is no longer installed
        return None
