"""Whether this installation can do its work now: each check with its reason.

Read by /readyz (load balancers, compose healthchecks). Ages are measured in the
database's own clock, so a web host whose clock drifts cannot fake a backlog.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import redis
from django.conf import settings
from django.db import connection

from inbox.models import InboundEvent, Message, MessageStatus

from . import heartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    value: float | None = None


def _postgres() -> Check:
    """A connection of its own with a short timeout: the pool would wait its full
    timeout for a server that is down, longer than a healthcheck waits for an answer."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params["connect_timeout"] = settings.READY_CHECK_TIMEOUT_SECONDS
    try:
        with psycopg.connect(**params) as probe:
            probe.execute("SELECT 1").fetchone()
    except Exception as exc:  # any failure is "not ready", with its reason
        return Check("postgres", False, f"unreachable: {type(exc).__name__}")
    return Check("postgres", True, "ok")


def _redis() -> Check:
    timeout = settings.READY_CHECK_TIMEOUT_SECONDS
    try:
        # Its own client with timeouts: the shared one would wait for a hung server.
        with redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        ) as probe:
            probe.ping()
    except Exception as exc:
        return Check("redis", False, f"unreachable: {type(exc).__name__}")
    return Check("redis", True, "ok")


def _worker() -> Check:
    limit = settings.READY_WORKER_HEARTBEAT_SECONDS
    try:
        age = heartbeat.freshest_age()
    except Exception as exc:
        return Check("worker", False, f"heartbeat unreadable: {type(exc).__name__}")
    if age is None:
        return Check("worker", False, "no worker has ever reported")
    if age > limit:
        return Check("worker", False, f"last heartbeat {age:.0f}s ago (limit {limit}s)", age)
    return Check("worker", True, f"last heartbeat {age:.0f}s ago", age)


def oldest_age_seconds(table: str, column: str, where: str) -> float | None:
    """Age in seconds of the oldest row matching `where` (None: no such row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXTRACT(EPOCH FROM (now() - min({column}))) FROM {table} WHERE {where}"
        )
        (age,) = cursor.fetchone()
    return None if age is None else max(0.0, float(age))


def unapplied_event_age() -> float | None:
    # The pending partial index (inbound_event_pending) answers this with one row read.
    return oldest_age_seconds(
        InboundEvent._meta.db_table,
        "received_at",
        "applied_at IS NULL AND gave_up_at IS NULL",
    )


def queued_message_age() -> float | None:
    # msg_outbox_queued covers (status, queued_at) for queued rows only.
    return oldest_age_seconds(
        Message._meta.db_table, "queued_at", f"status = '{MessageStatus.QUEUED.value}'"
    )


def _age(name: str, what: str, read, limit: float) -> Check:
    try:
        age = read()
    except Exception as exc:
        return Check(name, False, f"unreadable: {type(exc).__name__}")
    if age is None:
        return Check(name, True, f"no {what}", 0.0)
    if age > limit:
        return Check(name, False, f"oldest {what} is {age:.0f}s old (limit {limit}s)", age)
    return Check(name, True, f"oldest {what} is {age:.0f}s old", age)


def checks() -> list[Check]:
    """Every readiness check, each answering on its own (one failing stops none)."""
    found = [_postgres(), _redis(), _worker()]
    if found[0].ok:
        found.append(
            _age(
                "inbound_apply_lag",
                "unapplied inbound event",
                unapplied_event_age,
                settings.READY_MAX_APPLY_LAG_SECONDS,
            )
        )
        found.append(
            _age(
                "outbox_age",
                "queued message",
                queued_message_age,
                settings.READY_MAX_QUEUED_AGE_SECONDS,
            )
        )
    return found
