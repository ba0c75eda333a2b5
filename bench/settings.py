"""Settings for the ingest benchmark: the real settings plus the `floor` app.

Kept out of config/ so the production URL map never carries the benchmark endpoint.
"""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]
ROOT_URLCONF = "bench.urls"

# Experiment switch: Django's psycopg connection pool instead of per-request connections.
if env.bool("BENCH_DB_POOL", default=False):  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 4,
        "max_size": env.int("BENCH_DB_POOL_SIZE", default=16),  # noqa: F405
        "timeout": 10,
    }
