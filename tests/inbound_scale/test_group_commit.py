"""Group commit (inbox/group_commit.py): webhooks waiting together share one INSERT, and
each still hears its own row's outcome only once that statement has run."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from inbox.group_commit import GroupCommit
from inbox.models import InboundEvent
from inbox.services import inbound_queue

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def pool():
    params = await sync_to_async(connection.get_connection_params)()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["autocommit"] = True
    params["cursor_factory"] = psycopg.AsyncRawCursor  # as the lane's (insert_sql's $n)
    pool = AsyncConnectionPool(kwargs=params, min_size=1, max_size=2, open=False)
    await pool.open()
    yield pool
    await pool.close()
    await sync_to_async(connections.close_all)()


def recording(statements: list[int]):
    def insert_sql(rows: int) -> str:
        statements.append(rows)
        return inbound_queue.insert_sql(rows)

    return insert_sql


def row(channel_id: int, key: str) -> list:
    return inbound_queue.AcceptedRow(
        channel_id=channel_id,
        kind="InboundMessage",
        events_json="[]",
        dedupe_key=key,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
    ).params()


async def keys() -> list[str]:
    rows = InboundEvent.objects.order_by("pk").values_list("dedupe_key", flat=True)
    return [key async for key in rows]


async def test_rows_queued_together_are_one_statement_in_arrival_order(channel, pool):
    statements: list[int] = []
    group = GroupCommit(pool, recording(statements), writers=1, max_rows=64)
    await asyncio.gather(*(group.commit(row(channel.pk, f"k{n}")) for n in range(3)))
    assert statements == [3]
    assert await keys() == ["k0", "k1", "k2"]


async def test_a_lone_row_is_inserted_at_once_and_committed_when_commit_returns(channel, pool):
    statements: list[int] = []
    group = GroupCommit(pool, recording(statements), writers=1, max_rows=64)
    await group.commit(row(channel.pk, "k0"))
    assert statements == [1]
    assert await keys() == ["k0"]


async def test_a_statement_holds_at_most_max_rows(channel, pool):
    statements: list[int] = []
    group = GroupCommit(pool, recording(statements), writers=1, max_rows=2)
    await asyncio.gather(*(group.commit(row(channel.pk, f"k{n}")) for n in range(5)))
    assert statements == [2, 2, 1]
    assert await keys() == [f"k{n}" for n in range(5)]


async def test_a_retry_in_the_same_statement_is_one_row(channel, pool):
    group = GroupCommit(pool, inbound_queue.insert_sql, writers=1, max_rows=64)
    await asyncio.gather(*(group.commit(row(channel.pk, "same")) for _ in range(2)))
    assert await keys() == ["same"]


async def test_a_row_that_fails_alone_fails_only_its_caller(channel, pool):
    """A foreign key naming no channel (deleted meanwhile) fails the shared statement:
    each row is then inserted alone, and only that row's caller hears of it."""
    statements: list[int] = []
    group = GroupCommit(pool, recording(statements), writers=1, max_rows=64)
    results = await asyncio.gather(
        group.commit(row(channel.pk, "k0")),
        group.commit(row(channel.pk + 1000, "gone")),
        group.commit(row(channel.pk, "k2")),
        return_exceptions=True,
    )
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], pg_errors.ForeignKeyViolation)
    assert statements == [3, 1, 1, 1]
    assert await keys() == ["k0", "k2"]


class _Unreachable:
    """A pool whose server is down: no connection within its wait."""

    @asynccontextmanager
    async def connection(self):
        raise PoolTimeout("no connection")
        yield


async def test_an_unreachable_server_fails_every_row_of_the_statement_without_retries():
    statements: list[int] = []
    group = GroupCommit(_Unreachable(), recording(statements), writers=1, max_rows=64)
    results = await asyncio.gather(
        *(group.commit(row(1, f"k{n}")) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, PoolTimeout) for r in results)
    assert statements == []  # the pool failed before any statement was built


async def test_callers_hear_only_after_the_committed_hook(channel, pool):
    """The lane wakes a worker there: before the webhooks are answered, as before."""
    order: list[str] = []

    async def committed() -> None:
        order.append("committed")

    group = GroupCommit(pool, inbound_queue.insert_sql, writers=1, max_rows=64, committed=committed)

    async def one(key: str) -> None:
        await group.commit(row(channel.pk, key))
        order.append(key)

    await asyncio.gather(one("k0"), one("k1"))
    assert order == ["committed", "k0", "k1"]
