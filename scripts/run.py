"""`make run`: one command that brings the whole inbox up on a developer's machine.

The supervisor owns the embedded PostgreSQL and Redis (children inherit DATABASE_URL /
REDIS_URL through the environment, so they join instead of starting their own), prepares
the database, then runs the web server, the Celery worker and Celery beat side by side.
Each child gets its own process group so Ctrl-C stops exactly what was started here,
in order, and the data under .data/ survives for the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from scripts import embedded_services, web_server  # noqa: E402
from scripts.supervisor import Child, Supervisor, say  # noqa: E402

HOST = "127.0.0.1"
STOP_GRACE_SECONDS = 15.0
COLORS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m"]
# How long a second `make run` waits for one that is stopping (its children's grace,
# then the embedded servers' shutdown).
LOCK_WAIT_SECONDS = STOP_GRACE_SECONDS + 45.0


def data_dir() -> Path:
    path = Path(os.environ.get("INBOX_DATA_DIR", BASE_DIR / ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _holder(handle: IO[str]) -> dict:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except json.JSONDecodeError:
        info = {}
    return info if isinstance(info, dict) else {}


def mark_lock(handle: IO[str], port: int, state: str) -> None:
    """Tell a second `make run` what this one is doing ("running" or "stopping")."""
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "url": f"http://{HOST}:{port}", "state": state}))
    handle.flush()


def take_lock(path: Path, port: int, wait: float = LOCK_WAIT_SECONDS) -> IO[str]:
    """One supervisor per data directory: two would fight over the same servers.

    A run that is stopping (its Ctrl-C given, children and servers going down) is waited
    for, so `make run` right after Ctrl-C starts instead of saying "already running".
    """
    handle = path.open("a+")
    deadline = None
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            info = _holder(handle)
            pid = info.get("pid", "?")
            if info.get("state") != "stopping" and deadline is None:
                url = info.get("url", f"http://{HOST}:{port}")
                say(f"already running (pid {pid}) at {url}")
                sys.exit(1)
            if deadline is None:
                say(f"the run with pid {pid} is stopping; waiting for it to finish ...")
                deadline = time.monotonic() + wait
            if time.monotonic() > deadline:
                say(f"the run with pid {pid} is still stopping after {wait:.0f}s; giving up")
                sys.exit(1)
            time.sleep(0.2)
    mark_lock(handle, port, "running")
    return handle


def ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            say(f"port {port} on {HOST} is in use by another program; try PORT=8001 make run")
            sys.exit(1)


def manage(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )


def static_fingerprint() -> str:
    """Cheap change detector so collectstatic (with compression) runs only when needed."""
    roots = [BASE_DIR / "static", BASE_DIR / "node_modules"]
    roots.append(BASE_DIR / ".venv" / ".installed-stamp")  # Django admin's own static files
    roots += sorted(BASE_DIR.glob("*/static"))
    count, newest = 0, 0.0
    for root in roots:
        if root.is_file():
            count, newest = count + 1, max(newest, root.stat().st_mtime)
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                count += 1
                newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
    return f"{count}:{newest:.3f}"


def prepare_database(data: Path) -> dict:
    """Migrate, collect static files when they changed, seed the demo; returns the seed."""
    say("migrating the database ...")
    if manage("migrate", "--noinput", "-v", "0").returncode != 0:
        raise SystemExit("migrate failed (see above)")
    stamp = data / "staticfiles" / ".fingerprint"
    fingerprint = static_fingerprint()
    if not stamp.exists() or stamp.read_text() != fingerprint:
        say("collecting static files ...")
        if manage("collectstatic", "--noinput", "-v", "0").returncode != 0:
            raise SystemExit("collectstatic failed (see above)")
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint)
    if not seed_demo_wanted():
        say("SEED_DEMO=false: no demo data; the web server prints a first-run setup token")
        return {}
    result = manage("seed_demo", capture=True)
    if result.returncode != 0:
        say("warning: `manage.py seed_demo` failed; starting without demo data")
        return {}
    return with_spanish_demo(parse_seed(result.stdout))


def with_spanish_demo(seed: dict) -> dict:
    """The Spanish-speaking workspace beside the English one: its logins join the list
    the banner prints, each user with their workspace."""
    for user in seed.get("users") or []:
        user.setdefault("workspace", seed.get("workspace", ""))
    result = manage("seed_demo_spanish", capture=True)
    if result.returncode != 0:
        say("warning: `manage.py seed_demo_spanish` failed; only the English demo is seeded")
        return seed
    spanish = parse_seed(result.stdout)
    seed["users"] = [*(seed.get("users") or []), *(spanish.get("users") or [])]
    return seed


def seed_demo_wanted() -> bool:
    """The demo is seeded unless SEED_DEMO=false, so the first run (no workspace, the setup
    page behind the token the web server prints) can be tried locally too."""
    return os.environ.get("SEED_DEMO", "true").strip().lower() not in {"0", "false", "no", "off"}


def parse_seed(stdout: str) -> dict:
    """seed_demo prints one JSON object; tolerate log lines around it."""
    start = stdout.find("{")
    if start < 0:
        return {}
    try:
        seed, _end = json.JSONDecoder().raw_decode(stdout[start:])
    except json.JSONDecodeError:
        return {}
    return seed if isinstance(seed, dict) else {}


def children(port: int, data: Path) -> list[Child]:
    py = sys.executable
    web_workers = os.environ.get("WEB_CONCURRENCY", "1")
    # Sending is I/O bound: a busy Celery thread runs an outbox drain whose calls (up to
    # 100 a batch) wait for their rate slots and answers on the process's send loop
    # (inbox/send_loop.py), so a few threads per process are enough. Two processes give
    # the drains' database work two GILs and leave threads for webhooks and inbound work
    # (see bench/sms_outbound).
    pool = os.environ.get("CELERY_POOL", "threads")
    concurrency = os.environ.get("CELERY_CONCURRENCY", "4")
    worker_procs = max(1, int(os.environ.get("CELERY_WORKERS", "2")))
    workers = [
        (
            f"worker{n}" if worker_procs > 1 else "worker",
            [
                py,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--pool",
                pool,
                "--concurrency",
                concurrency,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"worker{n}@%h",
            ],
        )
        for n in range(1, worker_procs + 1)
    ]
    specs = [
        # Forwarded headers only from TRUSTED_PROXIES (scripts/web_server.py).
        ("web", web_server.uvicorn_command(host=HOST, port=port, workers=web_workers)),
        *workers,
        (
            "beat",
            [
                py,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(data / "celerybeat-schedule"),
            ],
        ),
    ]
    return [Child(name, argv, COLORS[i % len(COLORS)]) for i, (name, argv) in enumerate(specs)]


SANDBOX_SWITCHES = ("SMS_SANDBOX_ENABLED", "RCS_SANDBOX_ENABLED", "WHATSAPP_SANDBOX_ENABLED")
_TRUE = {"1", "true", "yes", "y", "on", "ok"}  # what django-environ's env.bool reads as on


def enable_sandboxes() -> list[str]:
    """The demo runs on the built-in provider sandboxes, which are off unless asked for
    (production must not serve them); an explicit setting in the environment wins.
    Returns the switches that are on."""
    for name in SANDBOX_SWITCHES:
        os.environ.setdefault(name, "true")
    return [n for n in SANDBOX_SWITCHES if os.environ[n].strip().lower() in _TRUE]


def sandbox_banner(url: str) -> list[str]:
    """What the banner says about the sandboxes, so nobody runs them unknowingly."""
    on = [n for n in SANDBOX_SWITCHES if os.environ.get(n, "").strip().lower() in _TRUE]
    if not on:
        return ["  Sandboxes are off: no phone simulator, no fake providers.", ""]
    return [
        f"  Sandboxes ON ({', '.join(on)}): fake providers under {url}sandbox/ and the",
        f"  phone simulator at {url}sandbox/phone/ (sign in first; it plays the customer of",
        "  your own workspaces only). Demo and development only: never on a public server.",
        "",
    ]


def print_banner(url: str, seed: dict, data: Path) -> None:
    lines = ["", f"  Inbox is running at {seed.get('url') or url}", ""]
    users = seed.get("users") or []
    if not seed_demo_wanted():
        lines += [
            "  No demo (SEED_DEMO=false). While no workspace exists, the address above leads",
            "  to the setup page: paste the SETUP TOKEN that `web` printed above.",
            "",
        ]
    if users:
        lines.append("  Demo logins (username / password, role, workspace):")
        for user in users:
            # demo-mx is the Spanish-speaking workspace: its members read the product in Spanish.
            lines.append(
                f"    {user.get('username', '?'):<12} / {user.get('password', '?'):<16}"
                f" {user.get('role', ''):<8} {user.get('workspace', '')}"
            )
        lines.append("")
    lines.extend(sandbox_banner(seed.get("url") or url))
    lines.append(f"  Ctrl-C stops everything; data stays in {data} for the next run.")
    lines.append("")
    say("\n".join(lines))


def wait_until_listening(port: int, procs: list[Child], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(c.proc and c.proc.poll() is not None for c in procs):
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def supervise(
    procs: list[Child], port: int, seed: dict, data: Path, lock: IO[str] | None = None
) -> int:
    """Run the children until Ctrl-C / SIGTERM; a child that dies is restarted
    (scripts/supervisor.py), and only one that keeps crashing stops everything."""
    env = os.environ.copy()
    env["PYTHONUNBUFFERED"] = "1"
    supervisor = Supervisor(
        procs,
        env,
        grace=STOP_GRACE_SECONDS,
        on_stopping=(lambda: mark_lock(lock, port, "stopping")) if lock else None,
    )
    signals_seen = {"count": 0}

    def on_signal(signum: int, _frame) -> None:
        signals_seen["count"] += 1
        if signals_seen["count"] > 1:  # impatient second Ctrl-C: no more grace
            supervisor.kill_now()
        supervisor.stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    supervisor.start()
    if wait_until_listening(port, procs):
        print_banner(f"http://{HOST}:{port}/", seed, data)
    return supervisor.run()


def fresh_metrics_dir(data: Path) -> None:
    """Web and worker processes write their Prometheus figures here and /metrics sums
    them (prometheus-client's multiprocess mode); emptied per run, as the library asks."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return  # the operator's own directory, managed by them
    path = data / "prometheus"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)


def main() -> int:
    os.chdir(BASE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The demo's sandbox channels, webhooks and media live on this machine's loopback,
    # which the SSRF guard refuses unless the operator allows it (inbox/address_guard.py).
    os.environ.setdefault("ADDRESS_GUARD_ALLOW", "127.0.0.0/8,::1")
    enable_sandboxes()
    port = int(os.environ.get("PORT", "8000"))
    data = data_dir()
    lock = take_lock(data / "run.lock", port)
    ensure_port_free(port)
    fresh_metrics_dir(data)
    started = False
    try:
        if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
            say(f"starting embedded PostgreSQL and Redis under {data} ...")
            embedded_services.start(data)
            started = True
        seed = prepare_database(data)
        return supervise(children(port, data), port, seed, data, lock)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        mark_lock(lock, port, "stopping")
        if started:
            say("stopping embedded PostgreSQL and Redis ...")
            embedded_services.stop()
        lock.seek(0)
        lock.truncate()
        lock.close()


if __name__ == "__main__":
    sys.exit(main())
