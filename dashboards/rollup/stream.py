"""Reading a day's rows from a server-side cursor, a few at a time.

fetchall() held every row of the day at once (~1-4 KB each as Python objects); a worker
running the roll-up every minute during a 100,000-message campaign grew by that much at
each run and never gave it back (bench/campaign/RESULTS.md, "Worker memory").
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

# Rows held in memory at once.
FETCH_ROWS = 2000


def rows(sql: str, params: dict) -> Iterator[tuple]:
    """The query's rows, FETCH_ROWS at a time (call inside a transaction: the cursor lives
    until the transaction ends)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch


def batches(items: Iterator, size: int | None = None) -> Iterator[list]:
    """`items` in lists of at most `size` (FETCH_ROWS by default)."""
    size = size or FETCH_ROWS
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
