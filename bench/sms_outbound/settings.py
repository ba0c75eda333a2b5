"""Settings for the sandbox's web processes in this benchmark: the real ones plus a pool.

Under ASGI each request gets its own connection context, so Django would open (and, with
CONN_MAX_AGE=0, close) a PostgreSQL connection for every sandbox send; a real provider's
servers are not on our cores, so the benchmark keeps that cost low with psycopg's pool.
The inbox's own processes (workers, enqueuers) run with config.settings unchanged.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": 2,
    "max_size": 16,
    "timeout": 10,
}
