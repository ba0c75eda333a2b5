"""A worker survives its Redis broker restarting (kombu's Redis transport, worked around).

When a worker loses the broker, Celery first collects the connection (which detaches
the transport from it) and then closes it; closing the channel restores the worker's
unacknowledged tasks (acks_late: every task it was running), and building the Redis
client for that reads the detached transport's settings: AttributeError. That is no
connection error, so the consumer cannot recover, and the worker exits ("Unrecoverable
error") instead of reconnecting once Redis is back (tests/chaos/test_redis_restart.py).

A channel whose transport is detached answers like the dead connection it is: a Redis
ConnectionError, which Celery ignores while closing, so the consumer goes on to
reconnect. The unacknowledged tasks stay where Redis keeps them (if it kept them) and
come back after the visibility timeout, as after any lost connection; what Redis lost
is re-requested by beat's sweeps from the database.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_original_connparams = kombu_redis.Channel._connparams


def _connparams(self, asynchronous: bool = False) -> dict:
    transport = self.connection
    if transport is None or transport.client is None:
        raise RedisConnectionError("the broker connection was closed after it was lost")
    return _original_connparams(self, asynchronous=asynchronous)


def install() -> None:
    """Idempotent; config/celery.py calls it for every process that loads the app."""
    kombu_redis.Channel._connparams = _connparams
