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
- only first attempts (attempts = 0) are batched, so retries keep their backoff; on a
  channel with a fallback the claim checks reachability as `deliver` does (one
  `reachable_many` per channel and batch) and moves the known-unreachable to the fallback
  channel, still first attempts, for the next claim; a send that answers "not reachable"
  falls back through `settle` and goes on as its own task.
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
    pacing: dict[int, float] = {}  # campaign id -> monotonic time its own rate has room
    while True:
        now = time.monotonic()
        resting = {pk: until for pk, until in resting.items() if until > now}
        pacing = {pk: until for pk, until in pacing.items() if until > now}
        batch = claim_batch(
            size, skip_channels=frozenset(resting), skip_campaigns=frozenset(pacing)
        )
        for pk, seconds in batch.throttled.items():
            resting[pk] = now + max(seconds, 0.05)  # refused: skip it, do not spin
        for pk, seconds in batch.paced.items():
            pacing[pk] = now + max(seconds, 0.05)
        if not batch.rows:
            waits = [*resting.values(), *pacing.values()]
            if not waits:
                break
            time.sleep(max(0.0, min(waits) - time.monotonic()))
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
