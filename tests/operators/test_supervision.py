"""`make run` keeps its children up: a killed child is restarted with backoff and a log
line, everything stops only when asked or when a child keeps crashing, and a second
`make run` waits for one that is stopping (scripts/supervisor.py, scripts/run.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading

import httpx
import pytest

from scripts import run
from scripts.supervisor import Child, RestartPolicy, Supervisor
from tests.support import processes
from tests.support.waiting import eventually

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
FAST = RestartPolicy(first_delay=0.1, max_delay=0.4, max_crashes=3, window=60.0)


def alive(child: Child) -> bool:
    return child.proc is not None and child.proc.poll() is None


@pytest.fixture
def supervised():
    """Run a Supervisor on a thread; yields a starter and stops it at the end."""
    running: list[tuple[Supervisor, threading.Thread, dict]] = []

    def start(procs: list[Child], policy: RestartPolicy = FAST, env=None) -> tuple:
        supervisor = Supervisor(procs, env or dict(os.environ), policy=policy, grace=10)
        supervisor.start()
        result: dict = {}
        thread = threading.Thread(target=lambda: result.update(code=supervisor.run(0.05)))
        thread.start()
        running.append((supervisor, thread, result))
        return supervisor, thread, result

    yield start
    for supervisor, thread, _result in running:
        supervisor.stop.set()
        thread.join(30)
        assert not thread.is_alive()


def test_a_killed_child_is_restarted_and_the_others_keep_running(supervised, capsys):
    web, worker = Child("web", SLEEPER), Child("worker", SLEEPER)
    supervised([web, worker])
    first_web, first_worker = web.proc.pid, worker.proc.pid
    os.killpg(first_worker, signal.SIGKILL)
    eventually(lambda: worker.starts == 2 and alive(worker), what="worker restarted")
    assert worker.proc.pid != first_worker
    assert web.proc.pid == first_web and alive(web)  # the web server was never touched
    out = capsys.readouterr().out
    assert "worker exited with code -9; restarting it in 0.1s" in out
    assert "worker restarted (start 2)" in out


def test_backoff_doubles_with_each_recent_crash():
    policy = RestartPolicy(first_delay=1, max_delay=30, max_crashes=10, window=60)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_child_that_keeps_crashing_stops_everything(supervised, capsys):
    crasher = Child("beat", [sys.executable, "-c", "raise SystemExit(3)"])
    web = Child("web", SLEEPER)
    _supervisor, thread, result = supervised([web, crasher])
    thread.join(30)
    assert result["code"] == 1
    assert crasher.starts == FAST.max_crashes  # restarted twice, then given up on
    assert not alive(web)  # everything stopped
    assert "it keeps crashing, so everything stops" in capsys.readouterr().out


def test_a_requested_stop_stops_every_child_and_returns_0(supervised):
    procs = [Child("web", SLEEPER), Child("worker", SLEEPER)]
    supervisor, thread, result = supervised(procs)
    supervisor.stop.set()
    thread.join(30)
    assert result["code"] == 0
    assert not any(alive(child) for child in procs)


HOLDER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from scripts import run
    lock = run.take_lock(run.Path({path!r}), 8999)
    run.mark_lock(lock, 8999, {state!r})
    print("locked", flush=True)
    time.sleep({hold})
    """
)


def hold_lock(path, state: str, hold: float) -> subprocess.Popen:
    code = HOLDER.format(root=str(run.BASE_DIR), path=str(path), state=state, hold=hold)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_waits_for_one_that_is_stopping(tmp_path, capsys):
    holder = hold_lock(tmp_path / "run.lock", "stopping", hold=1.0)
    try:
        lock = run.take_lock(tmp_path / "run.lock", 8999, wait=30)
    finally:
        holder.wait(10)
    assert holder.returncode == 0  # it finished on its own; we took the lock after it
    assert "is stopping; waiting for it to finish" in capsys.readouterr().out
    lock.close()


def test_a_second_run_beside_a_running_one_says_so_and_exits(tmp_path, capsys):
    holder = hold_lock(tmp_path / "run.lock", "running", hold=30)
    try:
        with pytest.raises(SystemExit):
            run.take_lock(tmp_path / "run.lock", 8999)
    finally:
        holder.kill()
        holder.wait()
    assert f"already running (pid {holder.pid})" in capsys.readouterr().out


@pytest.mark.worker
def test_make_run_children_survive_a_sigkilled_worker(
    supervised, transactional_db, tmp_path, capsys, monkeypatch
):
    """`make run`'s own web, worker and beat commands: the worker is killed, the API keeps
    answering all along and the worker comes back ready."""
    port = processes.free_port()
    monkeypatch.setenv("CELERY_WORKERS", "1")
    env = processes.child_env(PYTHONUNBUFFERED="1")
    procs = [c for c in run.children(port, tmp_path) if c.name in ("web", "worker")]
    supervised(procs, policy=RestartPolicy(first_delay=0.2, max_crashes=3), env=env)
    web, worker = procs
    url = f"http://127.0.0.1:{port}/accounts/login/"
    eventually(lambda: _answers(url), timeout=60, what="the web server")
    eventually(lambda: "ready." in capsys.readouterr().out, timeout=60, what="worker ready")
    os.killpg(worker.proc.pid, signal.SIGKILL)
    eventually(lambda: worker.starts == 2, timeout=30, what="worker restarted")
    assert _answers(url)  # the web server was not stopped with it
    eventually(lambda: "ready." in capsys.readouterr().out, timeout=60, what="worker ready")
    assert web.starts == 1 and alive(web)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
