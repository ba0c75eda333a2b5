"""What a web process does once at start: print the first-run setup token, if one is due.

Called from config/asgi.py, and only inside an ASGI server process (the test suite and
management commands import the application too, and must not touch the database then).
"""

from __future__ import annotations

import logging
import sys
import threading

from django.conf import settings

log = logging.getLogger("operators.setup")

SERVER_MODULES = ("uvicorn", "daphne", "hypercorn", "gunicorn")


def in_server_process() -> bool:
    return any(name in sys.modules for name in SERVER_MODULES)


def announce_setup_token() -> None:
    """Print a setup token and the setup page's address while no workspace exists."""
    if not in_server_process():
        return
    # The server imports the application inside its running event loop, where Django
    # refuses database calls: do the work on a plain thread and wait for it.
    worker = threading.Thread(target=_announce, name="setup-token", daemon=True)
    worker.start()
    worker.join(timeout=30)


def _announce() -> None:
    from django.db import connections

    from operators.services.first_run import issue_setup_token

    try:
        raw = issue_setup_token()
    except Exception as exc:  # noqa: BLE001 - e.g. not migrated yet: serve anyway
        log.warning("first run: could not check for a workspace (%s)", exc)
        return
    finally:
        connections.close_all()  # this thread ends; give its connection back
    if raw is None:
        return
    url = f"{settings.PUBLIC_BASE_URL}/setup/"
    banner = (
        "\n"
        "  ========================================================================\n"
        "  First run: no workspace exists yet.\n"
        f"  Open {url} and enter this one-time setup token:\n"
        "\n"
        f"      {raw}\n"
        "\n"
        "  It creates the first workspace and its admin, then stops working.\n"
        "  ========================================================================\n"
    )
    # Straight to stderr, not through logging: the operator must see it whatever
    # LOG_LEVEL says.
    print(f"SETUP TOKEN: {raw}{banner}", file=sys.stderr, flush=True)
