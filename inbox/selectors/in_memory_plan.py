"""Planner settings for a read over one campaign's rows, for its own transaction only.

PostgreSQL's default page cost is written for spinning disks: with it, the planner reads
a campaign's 100,000 messages through the heap, or hashes the whole audience, rather
than scanning the covering indexes (msg_campaign_funnel, campaign_recipient_funnel)
index-only, which costs a fraction of that here, where the rows are in memory. One
process, since two workers' start and gather cost more than they save and the
machine's other cores serve other requests; room for the grouping in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

SETTINGS = {
    "random_page_cost": "1.1",
    "max_parallel_workers_per_gather": "0",
    "work_mem": "32MB",
}


@contextmanager
def in_memory_plan() -> Iterator[None]:
    """Run the block's reads under SETTINGS. The block must write nothing: it is rolled
    back (to its savepoint, inside a caller's transaction), which is what undoes the
    settings, so no later statement plans under them."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            pairs = ", ".join(f"set_config('{k}', '{v}', true)" for k, v in SETTINGS.items())
            cursor.execute(f"SELECT {pairs}")
        yield
        transaction.set_rollback(True)
