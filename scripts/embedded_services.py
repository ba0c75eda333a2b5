"""Start and stop the embedded PostgreSQL and Redis for a long-lived supervisor process.

Starting goes through config.embedded.ensure_services (the one place that knows how), so
the URLs land in os.environ and every child joins the same servers. Stopping is explicit
so Ctrl-C shuts them down cleanly instead of leaving it to interpreter exit.
"""

from __future__ import annotations

import logging
from pathlib import Path

import redis

log = logging.getLogger(__name__)


def start(data_dir: Path) -> dict[str, str]:
    from config.embedded import ensure_services

    return ensure_services(data_dir)


def stop() -> None:
    """Stop the servers this process started, unless another live process still uses them."""
    from config import embedded

    handles = getattr(embedded, "_handles", {})
    redis_server = handles.pop("redis", None)
    if redis_server is not None:
        try:
            redis_server._cleanup()  # shuts down when no other client is connected
            if redis_server.ping():  # this process still held connections (django.setup())
                redis_server.shutdown(save=True)
        except redis.ConnectionError:
            pass  # already down: the normal case
        except Exception:  # noqa: BLE001 - best effort at shutdown
            log.exception("stopping embedded Redis failed")
    pg = handles.pop("postgres", None)
    if pg is not None:
        _forget_dead_handles(pg)
        try:
            pg.cleanup()  # pgserver stops the server when ours is the last live handle
        except Exception:  # noqa: BLE001
            log.exception("stopping embedded PostgreSQL failed")


def _forget_dead_handles(pg) -> None:
    """pgserver counts users in a pid file; a process killed with SIGKILL never leaves it,
    which would keep the server up forever. Drop pids that no longer exist."""
    import psutil

    pids = getattr(pg, "global_process_id_list", None)
    lock = getattr(pg, "_lock", None)
    if pids is None or lock is None:
        return
    with lock:
        pids.put([pid for pid in pids.get() if psutil.pid_exists(pid)])
