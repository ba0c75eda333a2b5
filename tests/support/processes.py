"""Real processes for integration tests: a Celery worker and an ASGI server.

Both run against the test database (its URL derived from the one the test process uses)
and the same Redis, exactly as `make run` starts them.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.db import connection

from scripts import web_server
from scripts.processes import Child

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """DATABASE_URL with the database name swapped for the test database's."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def free_port() -> int:
    """A loopback port no other process will be handed for a minute.

    The server that will listen on it starts seconds later, and meanwhile another process
    (the other pytest-xdist worker, or a connection's source port) could be given the same
    free port. So the port is left in TIME_WAIT, which the kernel keeps out of what it
    hands out for about 60 s while servers that set SO_REUSEADDR (uvicorn, asyncio) can
    still bind it: a connection is made to it and the accepting side closes first."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        address = listener.getsockname()
        with socket.create_connection(address) as client:
            accepted, _ = listener.accept()
            accepted.close()  # this side closes first: it is the one left in TIME_WAIT
            client.recv(1)  # the close has arrived
        return address[1]


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(extra)
    return env


_started: list[Child] = []


def _child(args: list[str], env: dict[str, str], name: str) -> Child:
    child = Child(f"test-{name}-{os.getpid()}", args, env, ROOT / ".data")
    _started.append(child)
    return child


def running() -> list[Child]:
    """The servers and workers alive now: a failing test's report shows their logs."""
    return [child for child in _started if child.alive()]


def start_worker(
    env: dict[str, str],
    *,
    concurrency: int = 4,
    name: str = "worker",
    queues: tuple[str, ...] = ("celery",),
) -> Child:
    proc = _child(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "threads",
            "-c",
            str(concurrency),
            "-l",
            "info",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}-{os.getpid()}@%h",
            "-Q",
            ",".join(queues),
        ],
        env,
        name,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"celery worker exited:\n{proc.tail()}")
        if "ready." in proc.tail():
            return proc
        time.sleep(0.2)
    proc.stop()
    raise RuntimeError(f"celery worker did not become ready:\n{proc.tail()}")


def start_asgi(env: dict[str, str], port: int, *, argv: list[str] | None = None) -> Child:
    """uvicorn with `make run`'s command line (scripts/web_server.py), unless `argv` says."""
    if argv is None:
        argv = [
            *web_server.uvicorn_command(host="127.0.0.1", port=port, environ=env),
            "--log-level",
            "warning",
        ]
    proc = _child(argv, env, "asgi")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"ASGI server exited:\n{proc.tail()}")
        try:
            httpx.get(url + "/accounts/login/", timeout=2)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.stop()
    raise RuntimeError(f"ASGI server did not start:\n{proc.tail()}")
