"""A fresh, isolated set of embedded servers for one benchmark run, migrated.

The multi-process benches (rcs_typing, sms_outbound) each start from an empty data dir
with their own PostgreSQL and Redis, so earlier runs or a developer's `make run` never
skew the figures; this is that start, written once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts import embedded_services

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"


def start(name: str, port: int) -> tuple[Path, dict[str, str]]:
    """Wipe .data/<name>, start embedded servers there, migrate; returns the data dir and
    the environment child processes should run with (this process's, updated)."""
    data = BASE_DIR / ".data" / name
    if data.exists():
        shutil.rmtree(data)
    (data / "logs").mkdir(parents=True)
    reopen(name, port)
    env = os.environ.copy()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, check=True)
    return data, env


def reopen(name: str, port: int) -> Path:
    """Start the embedded servers of .data/<name> as they are (a world a previous run
    loaded), with the benches' environment; returns the data dir."""
    os.chdir(BASE_DIR)
    data = BASE_DIR / ".data" / name
    os.environ.update(
        INBOX_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PORT=str(port),
        PUBLIC_BASE_URL=f"http://{HOST}:{port}",  # the URL providers post to and sign for
        # The sandbox providers listen on loopback, which the SSRF guard refuses unless
        # allowed (inbox/address_guard.py), as `make run` allows it.
        ADDRESS_GUARD_ALLOW="127.0.0.0/8,::1",
        # The benchmarks send through the built-in sandboxes, which are off by default.
        SMS_SANDBOX_ENABLED="true",
        RCS_SANDBOX_ENABLED="true",
        PYTHONUNBUFFERED="1",
        XDG_RUNTIME_DIR=os.environ.get("XDG_RUNTIME_DIR", "/tmp"),
    )
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(key, None)
    print(f"starting embedded PostgreSQL + Redis under {data} ...", flush=True)
    embedded_services.start(data)
    return data
