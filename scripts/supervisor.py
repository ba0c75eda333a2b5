"""Keeping `make run`'s children up: a child that dies is started again, with backoff.

One dead Celery worker used to stop everything, the web server included, so the API
refused connections until someone restarted by hand. Now a child that exits while nobody
asked it to is restarted after a pause that doubles with each crash (1 s, 2 s, 4 s ...,
at most RUN_RESTART_MAX_SECONDS), with a log line saying so. Only a child that keeps
crashing (RUN_MAX_CRASHES exits within RUN_CRASH_WINDOW_SECONDS) stops everything: it
will not get better on its own, and a restart loop would hide it.

Kept free of Django and of `make run`'s set-up (embedded servers, migrations) so tests
can supervise any command and kill its children (tests/scripts/test_supervisor.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESET = "\033[0m"
_print_lock = threading.Lock()


def say(text: str) -> None:
    with _print_lock:
        print(text, flush=True)


@dataclass(frozen=True)
class RestartPolicy:
    """When a dead child is started again, and when the supervisor gives up."""

    first_delay: float = 1.0  # seconds before the first restart
    max_delay: float = 30.0  # the doubling stops here
    max_crashes: int = 5  # this many exits within `window` seconds stop everything
    window: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> RestartPolicy:
        env = os.environ if environ is None else environ
        return cls(
            first_delay=float(env.get("RUN_RESTART_FIRST_SECONDS", cls.first_delay)),
            max_delay=float(env.get("RUN_RESTART_MAX_SECONDS", cls.max_delay)),
            max_crashes=int(env.get("RUN_MAX_CRASHES", cls.max_crashes)),
            window=float(env.get("RUN_CRASH_WINDOW_SECONDS", cls.window)),
        )

    def delay(self, recent_crashes: int) -> float:
        """The pause before restarting a child that crashed `recent_crashes` times lately."""
        return min(self.max_delay, self.first_delay * 2 ** max(0, recent_crashes - 1))


@dataclass
class Child:
    """One supervised command, in its own process group, its output prefixed by name."""

    name: str
    argv: list[str]
    color: str = ""
    proc: subprocess.Popen | None = None
    pump: threading.Thread | None = field(default=None, repr=False)
    crashes: deque = field(default_factory=deque, repr=False)  # monotonic times of exits
    restart_at: float | None = None  # monotonic time of a pending restart
    starts: int = 0

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
        self.starts += 1
        self.pump = threading.Thread(target=self._pump, args=(self.proc,), daemon=True)
        self.pump.start()

    def _pump(self, proc: subprocess.Popen) -> None:
        assert proc.stdout
        tty = sys.stdout.isatty()
        colored = tty and self.color
        prefix = f"{self.color}{self.name:>6} |{RESET} " if colored else f"{self.name:>6} | "
        for raw in iter(proc.stdout.readline, b""):
            say(prefix + raw.decode("utf-8", "replace").rstrip("\n"))

    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def signal_group(self, sig: int) -> None:
        """Signal the child's whole process group, even once the child itself is gone
        (a dead uvicorn or Celery parent can leave workers holding the port or tasks)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def reap(self) -> None:
        """After the child exited: kill what it left in its group, finish its output."""
        self.signal_group(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        if self.pump is not None:
            self.pump.join(timeout=2)


def stop_children(procs: list[Child], grace: float) -> None:
    """SIGTERM in reverse start order, up to `grace` seconds, then SIGKILL what is left."""
    for child in reversed(procs):
        if child.exit_code() is None:
            child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in procs:
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in {grace:.0f}s; killing it")
    for child in procs:
        child.reap()


class Supervisor:
    """Starts `procs`, restarts the ones that die, stops them all when told or when one
    keeps crashing. `run` returns 0 after a requested stop, 1 after giving up."""

    def __init__(
        self,
        procs: list[Child],
        env: dict[str, str],
        *,
        policy: RestartPolicy | None = None,
        grace: float = 15.0,
        on_stopping: Callable[[], None] | None = None,
    ):
        self.procs = procs
        self.env = env
        self.policy = policy or RestartPolicy.from_env()
        self.grace = grace
        self.on_stopping = on_stopping
        self.stop = threading.Event()
        self.gave_up: str | None = None

    def start(self) -> None:
        for child in self.procs:
            child.start(self.env)

    def kill_now(self) -> None:
        """An impatient second Ctrl-C: no more grace."""
        for child in self.procs:
            child.signal_group(signal.SIGKILL)

    def run(self, poll: float = 0.2) -> int:
        """Watch until asked to stop (self.stop) or until a child keeps crashing."""
        while not self.stop.wait(poll):
            if not self.check(time.monotonic()):
                break
        if self.on_stopping is not None:
            self.on_stopping()
        names = ", ".join(child.name for child in self.procs)
        say(f"stopping {names} ...")
        stop_children(self.procs, self.grace)
        return 1 if self.gave_up else 0

    def check(self, now: float) -> bool:
        """One look at every child; False when the supervisor gives up."""
        for child in self.procs:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restart_at = None
                    child.start(self.env)
                    say(f"{child.name} restarted (start {child.starts})")
                continue
            code = child.exit_code()
            if code is None:
                continue
            child.reap()
            if not self.crashed(child, code, now):
                return False
        return True

    def crashed(self, child: Child, code: int, now: float) -> bool:
        """Record a crash; schedule the restart, or False when it crashes too often."""
        policy = self.policy
        child.crashes.append(now)
        while child.crashes and now - child.crashes[0] > policy.window:
            child.crashes.popleft()
        recent = len(child.crashes)
        if recent >= policy.max_crashes:
            self.gave_up = child.name
            say(
                f"{child.name} exited with code {code}, its {recent}th exit within "
                f"{policy.window:.0f}s; it keeps crashing, so everything stops"
            )
            return False
        delay = policy.delay(recent)
        child.restart_at = now + delay
        say(
            f"{child.name} exited with code {code}; restarting it in {delay:.1f}s "
            f"({recent} of {policy.max_crashes} exits allowed within {policy.window:.0f}s)"
        )
        return True
