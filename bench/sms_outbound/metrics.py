"""Arithmetic for the report, free of Django so it is tested on its own."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (nan when empty)."""
    if not values:
        return float("nan")
    rank = max(1, min(len(values), math.ceil(q * len(values))))
    return values[rank - 1]


def max_in_window(times: Iterable[float], window: float = 1.0) -> int:
    """Most events inside any half-open window [t, t + window).

    Half-open because a sender spaced exactly 1/mps apart puts mps + 1 events in a
    closed one-second window without ever exceeding its rate. Timestamps are compared
    to the microsecond (the database's precision), so float noise cannot add an event.
    """
    ordered = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= window - 1e-6:
            start += 1
        best = max(best, end - start + 1)
    return best


def duplicates(markers: Iterable[str]) -> dict[str, int]:
    """Markers seen more than once, with their counts."""
    return {marker: n for marker, n in Counter(markers).items() if n > 1}
