"""Group commit for the webhook lane: the rows of webhooks waiting together, one INSERT.

Every webhook's answer waits for its own row's commit. Committed one statement each,
a burst costs a pool hand-out, a round trip, a statement and a WAL flush per webhook,
on the web process's one event loop and in PostgreSQL alike (about half of both
processes' CPU per webhook, bench/inbound_e2e). Here a webhook's row joins a queue; at
most `writers` inserts are in flight, and each takes everything queued when it starts
(up to `max_rows`) as one multi-row INSERT, committed at once (autocommit). An idle
lane therefore inserts a lone row at once, as before: rows only wait behind an insert
already in flight, which is when there are others to share the next one with.

Each caller still learns its own row's outcome: `commit` returns once the statement
holding the row committed, and raises what that statement raised. When a statement of
several rows fails for a reason that may be one row's (a foreign key naming a channel
deleted meanwhile, say), each row is inserted again on its own, so only that row's
webhook hears of it. A server that is unreachable fails every row of the statement
alike (the provider retries each).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

Row = Sequence[Any]

# The whole statement fails this way when the server is unreachable or the pool has no
# connection for it: no row would fare better alone.
UNREACHABLE = (PoolTimeout, psycopg.OperationalError)


class GroupCommit:
    """One per event loop and pool. `insert_sql(n)` is the statement for n rows (its
    parameters each row's, in order); `after(conn)` runs on the connection after each
    statement; `committed()` after each committed statement, before its callers hear
    (it must not raise: their rows are committed whatever it does)."""

    def __init__(
        self,
        pool: AsyncConnectionPool,
        insert_sql: Callable[[int], str],
        *,
        writers: int,
        max_rows: int,
        after: Callable[[psycopg.AsyncConnection], None] = lambda conn: None,
        committed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.pool = pool
        self.insert_sql = insert_sql
        self.writers = max(1, writers)
        self.max_rows = max(1, max_rows)
        self.after = after
        self.committed = committed
        self._queue: list[tuple[Row, asyncio.Future]] = []
        self._running = 0
        self._tasks: set[asyncio.Task] = set()

    async def commit(self, row: Row) -> None:
        """Insert `row`; return once it is committed (or raise what its statement raised)."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._queue.append((row, done))
        if self._running < self.writers:
            self._running += 1
            task = loop.create_task(self._write())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await done

    async def drained(self) -> None:
        """Wait for the writers (tests: nothing left running after them)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _write(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self.max_rows]
                del self._queue[: self.max_rows]
                await self._insert(batch, alone=len(batch) == 1)
        finally:
            self._running -= 1

    async def _insert(self, batch: list[tuple[Row, asyncio.Future]], *, alone: bool) -> None:
        params = [value for row, _done in batch for value in row]
        try:
            async with self.pool.connection() as conn:
                await conn.execute(self.insert_sql(len(batch)), params)
                self.after(conn)
        except UNREACHABLE as exc:
            _fail(batch, exc)
        except Exception as exc:  # a row's (a foreign key, a value that will not dump)
            if alone:
                _fail(batch, exc)
            else:  # perhaps one row's: each alone, so only that one's webhook hears
                for one in batch:
                    await self._insert([one], alone=True)
        except BaseException as exc:  # cancelled (shutdown): nobody is left waiting
            _fail(batch, exc)
            raise
        else:
            try:
                if self.committed is not None:
                    await self.committed()  # must not raise: the rows are committed
            finally:
                for _row, done in batch:
                    if not done.done():
                        done.set_result(None)


def _fail(batch: list[tuple[Row, asyncio.Future]], exc: BaseException) -> None:
    for _row, done in batch:
        if done.done():
            continue
        if isinstance(exc, asyncio.CancelledError):
            done.cancel()
        else:
            done.set_exception(exc)
