"""The batch path: first attempts, many per claim, sent together from the send loop.

One Celery task per message cost more CPU than the send itself (task overhead, about a
dozen queries in two transactions, one Redis call for the rate). A drain claims up to
OUTBOX_BATCH_SIZE queued rows under row locks (SKIP LOCKED, so drains on any number of
workers never take the same row), takes every rate slot in one Redis call, sends
concurrently from the process's send loop (inbox/send_loop.py) and settles the answers,
the accepted ones in one transaction.

The guarantees are the single path's (deliver.py):
- a row leaves `queued` only under its lock, so a re-run or a second drain never sends it
  twice; a row found `sending` is never sent again (the sweep fails it as "outcome unknown");
- each sender's slots come from the same Redis GCRA as the single path;
- consent is read in the claim transaction, the last moment before the slot wait;
- only first attempts (attempts = 0) on channels without a fallback are batched: retries
  keep their backoff and fallbacks keep their reachability check in `deliver`.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from inbox import redis_client

from . import enqueue
from .claim import claim_batch
from .send import release_connection, send_all
from .settings import outbox_settings
from .settle import settle_batch

log = logging.getLogger(__name__)


def drain() -> int:
    """Send first attempts until none is left; a full batch calls in another drain."""
    redis_client.client().delete(enqueue.KICK_KEY)
    size, totals = outbox_settings().batch_size, Counter[str]()
    resting: dict[int, float] = {}  # channel id -> monotonic time its sender has room
    while True:
        now = time.monotonic()
        resting = {pk: until for pk, until in resting.items() if until > now}
        batch = claim_batch(size, skip_channels=frozenset(resting))
        for pk, seconds in batch.throttled.items():
            resting[pk] = now + max(seconds, 0.05)  # refused: skip it, do not spin
        if not batch.rows:
            if not resting:
                break
            time.sleep(max(0.0, min(resting.values()) - time.monotonic()))
            continue
        if batch.rows == size:
            enqueue.kick()  # a backlog: another worker helps (SKIP LOCKED keeps them apart)
        release_connection()
        totals["claims"] += 1
        for key, value in settle_batch(send_all(batch.sending)).items():
            totals[key] += value
    if totals["late"] or totals["reslotted"]:
        # Calls that missed their slot mean this worker has too little CPU for its load:
        # each left a gap in its sender's rate (and a late one is queued again).
        log.warning("outbox drain: %s", dict(totals))
    return totals["sent"]
