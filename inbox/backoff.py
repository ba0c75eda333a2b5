"""Retry timing for work that failed for now: the delivery task's retries, the batch
path's hand-over to that task, and inbound media fetches."""

from __future__ import annotations

import random


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, honouring a provider's Retry-After."""
    base = min(300.0, 2.0 ** max(0, attempt - 1))
    delay = random.uniform(base / 2, base)
    return max(delay, retry_after or 0.0)
