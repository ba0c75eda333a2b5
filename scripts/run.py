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
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from scripts import embedded_services, web_server  # noqa: E402

HOST = "127.0.0.1"
STOP_GRACE_SECONDS = 15.0
COLORS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m"]
RESET = "\033[0m"
_print_lock = threading.Lock()


def say(text: str) -> None:
    with _print_lock:
        print(text, flush=True)


def data_dir() -> Path:
    path = Path(os.environ.get("INBOX_DATA_DIR", BASE_DIR / ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def take_lock(path: Path, port: int) -> IO[str]:
    """One supervisor per data directory: two would fight over the same servers."""
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        try:
            info = json.loads(handle.read() or "{}")
        except json.JSONDecodeError:
            info = {}
        pid = info.get("pid", "?")
        url = info.get("url", f"http://{HOST}:{port}")
        say(f"already running (pid {pid}) at {url}")
        sys.exit(1)
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "url": f"http://{HOST}:{port}"}))
    handle.flush()
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
    return parse_seed(result.stdout)


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


@dataclass
class Child:
    name: str
    argv: list[str]
    color: str
    proc: subprocess.Popen | None = None
    pump: threading.Thread | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        # A new session puts the child (and anything it forks) in its own process group:
        # the terminal's Ctrl-C reaches only the supervisor, which then stops it in order.
        self.proc = subprocess.Popen(
            self.argv,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc and self.proc.stdout
        tty = sys.stdout.isatty()
        prefix = f"{self.color}{self.name:>6} |{RESET} " if tty else f"{self.name:>6} | "
        for raw in iter(self.proc.stdout.readline, b""):
            say(prefix + raw.decode("utf-8", "replace").rstrip("\n"))

    def signal_group(self, sig: int) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass


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


def stop_children(procs: list[Child]) -> None:
    for child in reversed(procs):
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in procs:
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in {STOP_GRACE_SECONDS:.0f}s; killing it")
    for child in procs:
        child.signal_group(signal.SIGKILL)  # also reaps grandchildren left in the group
        if child.proc is not None:
            child.proc.wait()
        if child.pump is not None:
            child.pump.join(timeout=2)


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
        lines.append("  Demo logins (username / password, role):")
        for user in users:
            lines.append(
                f"    {user.get('username', '?'):<12} / {user.get('password', '?'):<14}"
                f" {user.get('role', '')}"
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


def supervise(procs: list[Child], port: int, seed: dict, data: Path) -> int:
    stop = threading.Event()
    signals_seen = {"count": 0}

    def on_signal(signum: int, _frame) -> None:
        signals_seen["count"] += 1
        if signals_seen["count"] > 1:  # impatient second Ctrl-C: no more grace
            for child in procs:
                child.signal_group(signal.SIGKILL)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    env = os.environ.copy()
    env["PYTHONUNBUFFERED"] = "1"
    for child in procs:
        child.start(env)
    if wait_until_listening(port, procs):
        print_banner(f"http://{HOST}:{port}/", seed, data)
    code = 0
    while not stop.wait(0.5):
        dead = [c for c in procs if c.proc and c.proc.poll() is not None]
        if dead:
            say(f"{dead[0].name} exited with code {dead[0].proc.returncode}; stopping everything")
            code = 1
            break
    say("stopping web, worker and beat ...")
    stop_children(procs)
    return code


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
    started = False
    try:
        if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
            say(f"starting embedded PostgreSQL and Redis under {data} ...")
            embedded_services.start(data)
            started = True
        seed = prepare_database(data)
        return supervise(children(port, data), port, seed, data)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if started:
            say("stopping embedded PostgreSQL and Redis ...")
            embedded_services.stop()
        lock.seek(0)
        lock.truncate()
        lock.close()


if __name__ == "__main__":
    sys.exit(main())
