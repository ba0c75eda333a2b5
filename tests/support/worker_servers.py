"""Each pytest-xdist worker on servers of its own (a plugin: `-p tests.support.worker_servers`
in pyproject.toml's addopts, so it is imported before pytest-django loads the settings).

`make test` runs the suite on two processes (pytest-xdist). Its tests restart PostgreSQL,
kill Redis, purge Celery's queue and flush every table, so two workers may not share
servers. A worker points INBOX_DATA_DIR at a folder of its own under the run's
(`<INBOX_DATA_DIR>/gw0`, `gw1`) before Django's settings are read: config/settings.py
then starts that worker's embedded PostgreSQL and Redis there, and the servers and Celery
workers its tests start join them through the environment, exactly as in a serial run.
The product code knows nothing of this.

The controlling process reads the settings too: it starts (or joins) the embedded servers
of the run's folder, idle for the run, and writes their URLs into the environment its
workers inherit. So before that happens this plugin records what was given from outside,
and a worker goes back to exactly that.

Servers given from outside (DATABASE_URL and REDIS_URL, e.g. CI on managed services):
pytest-django already gives each worker a test database of its own (`test_<name>_gw0`);
Redis is one server for all, so each worker takes a database number of its own (the URL's
plus the worker's index: Redis must have enough databases, 16 by default) and a channel
prefix of its own, since pub/sub channels ignore database numbers. The chaos tests that
restart PostgreSQL or kill Redis skip themselves on external servers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
# What the outside gave, recorded by the first pytest process (the controller) before
# the settings wrote the embedded servers' URLs into its environment.
GIVEN = "INBOX_TEST_GIVEN_ENV"
NAMES = ("INBOX_DATA_DIR", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CHANNELS_PREFIX")


def worker_index(worker: str) -> int:
    """`gw0` -> 0: xdist names its workers gw<N>."""
    return int(worker.removeprefix("gw"))


def redis_url_for_worker(url: str, index: int) -> str:
    """The same Redis server with the database number moved on by `index`."""
    parts = urlsplit(url)
    if parts.scheme in ("unix", "redis+socket"):  # unix:///path: urlunsplit drops the //
        query = dict(parse_qsl(parts.query))
        query["db"] = str(int(query.get("db", 0)) + index)
        return f"{url.partition('?')[0]}?{urlencode(query)}"
    if parts.scheme in ("redis", "rediss"):
        query = dict(parse_qsl(parts.query))
        if "db" in query:
            query["db"] = str(int(query["db"]) + index)
            return urlunsplit(parts._replace(query=urlencode(query)))
        db = int(parts.path.strip("/") or 0) + index
        return urlunsplit(parts._replace(path=f"/{db}"))
    return url  # not Redis (an AMQP broker, say): left as given


def worker_environment(given: dict[str, str | None], worker: str) -> dict[str, str | None]:
    """The variables of NAMES a worker runs with (None: unset), from what was given."""
    env = dict(given)
    base = Path(given.get("INBOX_DATA_DIR") or ROOT / ".data").resolve()
    env["INBOX_DATA_DIR"] = str(base / worker)
    index = worker_index(worker)
    if given.get("REDIS_URL"):
        env["REDIS_URL"] = redis_url_for_worker(given["REDIS_URL"], index)
        env["CHANNELS_PREFIX"] = f"{given.get('CHANNELS_PREFIX') or 'inbox'}-{worker}"
    if given.get("CELERY_BROKER_URL"):
        env["CELERY_BROKER_URL"] = redis_url_for_worker(given["CELERY_BROKER_URL"], index)
    return env


def _apply(env: dict[str, str | None]) -> None:
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _prepare_this_process() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        os.environ[GIVEN] = json.dumps({name: os.environ.get(name) for name in NAMES})
        return
    recorded = os.environ.get(GIVEN)
    given = json.loads(recorded) if recorded else {name: os.environ.get(name) for name in NAMES}
    env = worker_environment(given, worker)
    _apply(env)
    # The folder whitenoise serves collected files from, as `make test` makes for the run.
    (Path(env["INBOX_DATA_DIR"]) / "staticfiles").mkdir(parents=True, exist_ok=True)


# At import, not in a hook: pytest-django reads the settings in its own
# pytest_load_initial_conftests, which pytest calls before this plugin's.
_prepare_this_process()
