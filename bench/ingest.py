"""`make bench-ingest`: signed inbound SMS webhooks vs. a bare one-row insert, same server.

Starts a fresh embedded PostgreSQL + Redis under .data/bench, one uvicorn serving the real
ASGI app (plus the floor endpoint from bench.settings), and separate load-generator
processes on loopback. Only responses that were 2xx AND rows that were committed count.
Writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.machine import describe, machine_busy, tree_cpu  # noqa: E402
from bench.twilio import check_vector  # noqa: E402
from scripts import embedded_services  # noqa: E402

HOST = "127.0.0.1"
PY = sys.executable


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8391")))
    p.add_argument("--workers", type=int, default=4, help="uvicorn worker processes")
    p.add_argument("--loadgens", type=int, default=1, help="load-generator processes")
    p.add_argument("--concurrency", type=int, default=32, help="connections per generator")
    p.add_argument("--duration", type=float, default=15.0, help="measured seconds per target")
    p.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds per target")
    p.add_argument("--senders", type=int, default=500, help="distinct customer numbers")
    p.add_argument("--only", choices=["floor", "ingest"], help="run one target")
    p.add_argument(
        "--db",
        choices=["settings", "no-reuse", "pool"],
        default=os.environ.get("BENCH_DB", "settings"),
        help="database connections: as config/settings.py has them (DB_CONN_MAX_AGE), "
        "a new connection per request (DB_CONN_MAX_AGE=0), or psycopg's pool",
    )
    p.add_argument("--apply-workers", type=int, default=2, help="Celery processes applying events")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    p.add_argument("--append", action="store_true", help="append to bench/RESULTS.md")
    return p.parse_args()


def django_env(data: Path, port: int) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        INBOX_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PUBLIC_BASE_URL=f"http://{HOST}:{port}",
        PYTHONUNBUFFERED="1",
    )
    return env


def apply_db_mode(env: dict[str, str], mode: str) -> None:
    if mode == "no-reuse":
        env["DB_CONN_MAX_AGE"] = "0"
    elif mode == "pool":
        env["BENCH_DB_POOL"] = "1"


def run_json(argv: list[str], env: dict[str, str], attempts: int = 5) -> dict:
    """Run a helper that prints JSON; retried because an overloaded server can briefly
    hold every database connection. Returns {"failed": reason} if it never succeeds."""
    reason = ""
    for attempt in range(attempts):
        out = subprocess.run(argv, cwd=BASE_DIR, env=env, text=True, capture_output=True)
        if out.returncode == 0:
            return json.loads(out.stdout.strip().splitlines()[-1])
        reason = (out.stderr.strip().splitlines() or ["?"])[-1]
        time.sleep(1 + attempt)
    print(f"{' '.join(argv[1:])} failed: {reason}", flush=True)
    return {"failed": reason}


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start listening")


def postgres_pids(data: Path) -> list[int]:
    pidfile = data / "postgres" / "postmaster.pid"
    return [int(pidfile.read_text().split()[0])] if pidfile.exists() else []


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[p] - before.get(p, 0.0) for p in after)


def fire(args, target: dict, prefix: str, duration: float, env: dict) -> list[subprocess.Popen]:
    procs = []
    for i in range(args.loadgens):
        argv = [
            PY,
            str(BASE_DIR / "bench" / "loadgen.py"),
            "--port",
            str(args.port),
            "--path",
            target["path"],
            "--sid-prefix",
            f"{prefix}{i}x",
            "--concurrency",
            str(args.concurrency),
            "--duration",
            str(duration),
            "--senders",
            str(args.senders),
            "--wait-for-go",
            "--count",
            str(int(max(2000, duration * 4000 / args.loadgens))),
        ]
        if target.get("auth_token"):
            argv += [
                "--auth-token",
                target["auth_token"],
                "--account-sid",
                target["account_sid"],
                "--to",
                target["to"],
            ]
        procs.append(
            subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:  # requests are built and signed before anyone starts
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit("load generator did not start")
    return procs


def go(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()


def collect(procs: list[subprocess.Popen]) -> list[dict]:
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise SystemExit(f"load generator failed with {proc.returncode}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def measure(args, name: str, target: dict, server: subprocess.Popen, data: Path, env) -> dict:
    print(f"[{name}] warm-up {args.warmup:.0f}s ...", flush=True)
    warm = fire(args, target, f"{name[:2]}w", args.warmup, env)
    go(warm)
    collect(warm)
    counted_before = run_json([PY, "bench/fixture.py", "count"], env)
    print(f"[{name}] measuring {args.duration:.0f}s ...", flush=True)
    watched = {"server": [server.pid], "postgres": postgres_pids(data)}
    procs = fire(args, target, f"{name[:2]}m", args.duration, env)
    cpu_before = {k: tree_cpu(v) for k, v in watched.items()}
    busy_before = machine_busy()
    go(procs)
    results = collect(procs)
    cpu_after = {k: tree_cpu(v) for k, v in watched.items()}
    busy = machine_busy() - busy_before
    counted_after = run_json([PY, "bench/fixture.py", "count"], env)
    ok = sum(r["ok"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    errors: dict[str, int] = {}
    for r in results:
        for code, n in r["errors"].items():
            errors[code] = errors.get(code, 0) + n
    latencies = sorted(x for r in results for x in r["latencies_ms"])
    key = target["count_key"]
    if key in counted_before and key in counted_after:
        committed: int | str = counted_after[key] - counted_before[key]
    else:
        reason = counted_before.get("failed") or counted_after.get("failed")
        committed = "unknown (count failed: " + reason.rpartition("FATAL:")[2].strip()[:60] + ")"
    cpu = {k: cpu_delta(cpu_before[k], cpu_after[k]) for k in watched}
    cpu["loadgen"] = sum(r["cpu_seconds"] for r in results)
    cpu["machine"] = busy
    return {
        "name": name,
        "ok": ok,
        "committed": committed,
        "errors": errors,
        "elapsed": elapsed,
        "rate": ok / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "cpu": {k: round(v / elapsed, 2) for k, v in cpu.items()},
    }


def pending_events(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM inbox_inboundevent WHERE applied_at IS NULL"
        ).fetchone()
    return int(row[0])


def drain_with_workers(args, env: dict) -> dict:
    """Apply every accepted webhook event to the domain with real Celery workers.

    The webhook only commits the event; this is the other half of ingest: contact,
    conversation, message and push, measured from the moment the workers are woken.
    Progress is read with one plain SQL query so the harness costs next to nothing.
    """
    database_url = env["DATABASE_URL"]
    pending = pending_events(database_url)
    worker = subprocess.Popen(
        [
            PY,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "-c",
            str(args.apply_workers),
            "-l",
            "warning",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    time.sleep(5)  # let the worker boot before the clock starts
    kick = [
        PY,
        "-c",
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
        "'bench.settings');django.setup();from inbox.tasks import apply_inbound_events as t;"
        "t.delay()",
    ]
    subprocess.run(kick, cwd=BASE_DIR, env=env, check=True)
    started = time.monotonic()
    left = pending
    try:
        while left and time.monotonic() - started < 600:
            time.sleep(0.25)
            left = pending_events(database_url)
    finally:
        elapsed = time.monotonic() - started
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    after = run_json([PY, "bench/fixture.py", "count"], env)
    return {
        "pending": pending,
        "left": left,
        "elapsed": elapsed,
        "rate": (pending - left) / elapsed if elapsed else 0.0,
        "messages": after.get("messages"),
        "events": after.get("events"),
    }


def report(
    args, results: list[dict], info: dict[str, str], appended: bool, drain: dict | None = None
) -> str:
    by = {r["name"]: r for r in results}
    lines = (
        []
        if appended
        else [
            "# Ingest benchmark results",
            "",
            "Produced by `make bench-ingest` (bench/ingest.py); method in bench/README.md.",
            "Server, PostgreSQL, Redis and the load generators share the machine's cores over "
            "loopback. `other` is CPU used by everything else on the machine during the window.",
            "",
        ]
    )
    lines += [
        f"## {info['date']}: database connections `{args.db}`",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}; "
        f"Python {info['python']}; commit {info['commit']}",
        f"- Load average when the run started: {info['load']}",
        f"- uvicorn workers: {args.workers}; load generators: {args.loadgens} x "
        f"{args.concurrency} keep-alive connections; {args.duration:.0f}s measured after "
        f"{args.warmup:.0f}s warm-up; {args.senders} distinct senders",
        "",
        "| target | msg/s | p50 ms | p99 ms | 2xx | rows committed | errors "
        "| CPU cores: server / postgres / load gen / other |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "none"
        cpu = r["cpu"]
        other = max(0.0, cpu["machine"] - cpu["server"] - cpu["postgres"] - cpu["loadgen"])
        lines.append(
            f"| {r['name']} | {r['rate']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['ok']} | "
            f"{r['committed']} | {errors} | {cpu['server']} / {cpu['postgres']} / "
            f"{cpu['loadgen']} / {other:.2f} |"
        )
    lines.append("")
    if "floor" in by and "ingest" in by:
        ratio = by["ingest"]["rate"] / by["floor"]["rate"] if by["floor"]["rate"] else 0
        lines += [
            f"Ingest is **{ratio:.0%} of the floor** (target >= 50%) at "
            f"**{by['ingest']['rate']:.0f} msg/s** (target >= 500 msg/s on 2 cores).",
            "",
        ]
    if drain:
        lines += [
            f"Applying the accepted events to the domain afterwards ({args.apply_workers} "
            f"Celery processes, nothing else running): {drain['pending']} events in "
            f"{drain['elapsed']:.1f}s = **{drain['rate']:.0f} messages/s**; "
            f"{drain['left']} left unapplied; {drain['messages']} messages for "
            f"{drain['events']} accepted events.",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    info = describe()  # before the run, so the load average shows what else was running
    check_vector()
    os.chdir(BASE_DIR)
    data = BASE_DIR / ".data" / "bench"
    if data.exists():
        shutil.rmtree(data)
    (data / "staticfiles").mkdir(parents=True)  # STATIC_ROOT; silences WhiteNoise's warning
    env = django_env(data, args.port)
    apply_db_mode(env, args.db)
    os.environ.update(env)
    started = False
    server = None
    drain = None
    try:
        if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
            print(f"starting a fresh embedded PostgreSQL + Redis under {data} ...", flush=True)
            embedded_services.start(data)
            started = True
        env = os.environ.copy()
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=BASE_DIR, check=True
        )
        targets = {
            "floor": {"path": "/bench/floor/", "count_key": "floor_rows"},
        }
        if find_spec("channels_sms.views") is not None:
            fixture = run_json([PY, "bench/fixture.py", "setup"], env)
            if "failed" in fixture:
                raise SystemExit("could not create the bench channel")
            targets["ingest"] = {
                "path": f"/webhooks/sms/{fixture['token']}/",
                "count_key": "events",
                **fixture,
            }
        else:
            print("channels_sms.views is missing: measuring the floor only", flush=True)
        if args.only:
            targets = {k: v for k, v in targets.items() if k == args.only}
        server = subprocess.Popen(
            [
                PY,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                HOST,
                "--port",
                str(args.port),
                "--workers",
                str(args.workers),
                "--no-access-log",
                "--log-level",
                "warning",
                "--lifespan",
                "off",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        wait_listening(args.port, server)
        results = [measure(args, n, t, server, data, env) for n, t in targets.items()]
        if "ingest" in targets:
            drain = drain_with_workers(args, env)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if started:
            embedded_services.stop()
    out = BASE_DIR / "bench" / "RESULTS.md"
    appended = args.append and out.exists()
    text = report(args, results, info, appended, drain)
    print("\n" + text)
    if not args.no_write:
        previous = out.read_text().rstrip("\n") + "\n\n" if appended else ""
        out.write_text(previous + text + "\n")
    bad = [r for r in results if r["errors"] or r["committed"] != r["ok"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
