"""Each pytest-xdist worker runs on servers of its own (tests/support/worker_servers.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.support.worker_servers import GIVEN, redis_url_for_worker, worker_environment


def test_this_process_runs_on_the_servers_of_its_own_folder():
    given = json.loads(os.environ[GIVEN])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = Path(given["INBOX_DATA_DIR"] or settings.BASE_DIR / ".data").resolve()
    assert settings.DATA_DIR == (base / worker if worker else base)
    if not given["DATABASE_URL"]:  # the embedded server, under this process's folder
        socket_dir = connection.settings_dict["OPTIONS"]["host"]  # pgserver's URL: ?host=
        assert Path(socket_dir) == settings.DATA_DIR / "postgres"
    if not given["REDIS_URL"]:  # the embedded Redis this process started on its folder
        from config import embedded

        server = embedded._handles["redis"]
        assert settings.REDIS_URL == f"unix://{server.socket_file}"
        assert Path(server.db).parent == settings.DATA_DIR / "redis"


def test_a_worker_drops_the_embedded_servers_the_controller_started():
    given = {"INBOX_DATA_DIR": "/data/test", "DATABASE_URL": None, "REDIS_URL": None}
    env = worker_environment(given, "gw1")
    assert env == {"INBOX_DATA_DIR": "/data/test/gw1", "DATABASE_URL": None, "REDIS_URL": None}


def test_workers_on_one_external_redis_take_databases_and_prefixes_of_their_own():
    given = {
        "INBOX_DATA_DIR": "/data/test",
        "DATABASE_URL": "postgres://ci@db/inbox",
        "REDIS_URL": "redis://redis:6379/2",
        "CELERY_BROKER_URL": None,
        "CHANNELS_PREFIX": None,
    }
    first, second = worker_environment(given, "gw0"), worker_environment(given, "gw1")
    assert first["DATABASE_URL"] == second["DATABASE_URL"]  # pytest-django adds _gw<N>
    assert (first["REDIS_URL"], second["REDIS_URL"]) == (
        "redis://redis:6379/2",
        "redis://redis:6379/3",
    )
    assert (first["CHANNELS_PREFIX"], second["CHANNELS_PREFIX"]) == ("inbox-gw0", "inbox-gw1")


def test_redis_database_numbers_in_every_url_form():
    assert redis_url_for_worker("redis://h:6379", 1) == "redis://h:6379/1"
    assert redis_url_for_worker("rediss://h/4?ssl_cert_reqs=none", 1) == (
        "rediss://h/5?ssl_cert_reqs=none"
    )
    assert redis_url_for_worker("unix:///run/redis.sock", 1) == "unix:///run/redis.sock?db=1"
    assert redis_url_for_worker("redis+socket:///r.sock?db=2", 1) == "redis+socket:///r.sock?db=3"
    assert redis_url_for_worker("amqp://guest@rabbit//", 1) == "amqp://guest@rabbit//"
