"""A campaign's own send rate, on top of each sender's limit: one more GCRA key per
campaign (`campaign:<id>`), taken by the same Redis rule as a sender's slots, so every
worker together keeps a campaign to the rate its manager chose."""

from __future__ import annotations

import threading
import time

from inbox.models import Campaign
from inbox.throttle import Throughput

# A campaign's rate is fixed when it is created, so each process remembers it for a few
# seconds: the single path would otherwise spend a query per message to learn it again.
REMEMBER_SECONDS = 5.0
_known: dict[int, tuple[float, float | None]] = {}  # id -> (monotonic expiry, rate)
_lock = threading.Lock()


def campaign_paces(campaign_ids: set[int]) -> dict[int, Throughput]:
    """The pace of each of `campaign_ids` that has a send rate (one query for those this
    process has not seen lately)."""
    if not campaign_ids:
        return {}
    now = time.monotonic()
    with _lock:
        rates = {pk: _known[pk][1] for pk in campaign_ids if _known.get(pk, (0.0,))[0] > now}
    missing = campaign_ids - rates.keys()
    if missing:
        found = dict(Campaign.objects.filter(pk__in=missing).values_list("pk", "send_rate"))
        with _lock:
            for pk in missing:
                rates[pk] = found.get(pk)
                _known[pk] = (now + REMEMBER_SECONDS, rates[pk])
            if len(_known) > 10_000:
                _known.clear()
    return {
        pk: Throughput(key=f"campaign:{pk}", per_second=float(rate))
        for pk, rate in rates.items()
        if rate
    }
