"""bench/inbound_e2e: signed webhooks at a campaign's rate, timed to the agents' screens.

`.venv/bin/python -m bench.inbound_e2e.run` (method in bench/README.md). One run:

1. a fresh embedded PostgreSQL + Redis under .data/bench-e2e, migrated; a workspace
   with an SMS channel, customers who already wrote once, outbound messages the
   provider accepted, and agents with signed-in sessions (fixture.py);
2. the floor: a bare ASGI endpoint inserting one row (floor_app.py), closed loop;
3. `make run`'s own processes (scripts/run.py's children: uvicorn, two Celery workers,
   beat), same commands and defaults, against that database;
4. ingest: closed loop against the real webhook URL, then the time to apply it all;
5. end to end: 50 agents' websockets (agents.py) subscribed; open-loop senders
   (sender.py, separate processes) post 300 signed webhooks a second for 60 s, 40%
   customer messages and 60% status callbacks (sent, delivered, read); latency is from
   each 2xx to the frame carrying that change on each agent's socket.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))

from bench.ingest import percentile, run_json, wait_listening  # noqa: E402
from bench.machine import describe, machine_busy, tree_cpu  # noqa: E402
from bench.twilio import check_vector, inbound_params, sign  # noqa: E402
from scripts import embedded_services  # noqa: E402

HOST = "127.0.0.1"
PY = sys.executable


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8393)
    p.add_argument("--rate", type=float, default=300.0, help="webhooks a second")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    p.add_argument("--messages", type=float, default=0.4, help="share of customer messages")
    p.add_argument("--agents", type=int, default=50)
    p.add_argument("--customers", type=int, default=2000)
    p.add_argument("--senders", type=int, default=2, help="sender processes")
    p.add_argument("--probe", type=float, default=10.0, help="seconds of floor / ingest probe")
    p.add_argument("--skip-probes", action="store_true")
    p.add_argument("--out", default="", help="write the report (markdown) here too")
    return p.parse_args()


def env_for(data: Path, port: int) -> dict[str, str]:
    env = os.environ.copy()
    metrics = data / "prometheus"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    env.update(
        INBOX_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PUBLIC_BASE_URL=f"http://{HOST}:{port}",
        PYTHONUNBUFFERED="1",
        PORT=str(port),
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        SEED_DEMO="false",
    )
    return env


def plan(args, world: dict, port: int) -> list[list]:
    """[at, path, body, signature, key] for every webhook, in send order.

    Customer messages go round-robin over the customers (each conversation's in order);
    status callbacks walk the outbound messages in waves (sent, then delivered, then
    read, a wave apart), as a provider reports a campaign's progress.
    """
    token, auth = world["token"], world["auth_token"]
    inbound_path = f"/webhooks/sms/{token}/"
    status_path = f"/webhooks/sms/{token}/status/"
    base = f"http://{HOST}:{port}"
    total = int(args.rate * args.duration)
    every = max(1, round(1 / args.messages)) if args.messages else 0
    n_messages = sum(1 for i in range(total) if _is_message(i, args.messages))
    n_statuses = total - n_messages
    outbound = sorted(world["outbound"])
    wave = max(1, min(len(outbound), n_statuses // 3 or 1) // 3 or 1)
    statuses: list[tuple[str, str]] = []
    for start in range(0, len(outbound), wave):
        chunk = outbound[start : start + wave]
        for status in ("sent", "delivered", "read"):
            statuses += [(sid, status) for sid in chunk]
        if len(statuses) >= n_statuses:
            break
    statuses = statuses[:n_statuses]
    del every
    out, m, s = [], 0, 0
    customers = world["customers"]
    for i in range(total):
        at = i / args.rate
        if _is_message(i, args.messages):
            sid = f"SME2E{m:010d}"
            params = inbound_params(
                account_sid=world["account_sid"],
                sid=sid,
                sender=customers[m % len(customers)],
                to=world["to"],
                body=f"reply {m}",
            )
            path, key = inbound_path, f"in {sid}"
            m += 1
        else:
            sid, status = statuses[s]
            params = {
                "MessageSid": sid,
                "SmsSid": sid,
                "MessageStatus": status,
                "SmsStatus": status,
                "AccountSid": world["account_sid"],
                "From": world["to"],
                "To": "+14155550100",
                "ApiVersion": "2010-04-01",
            }
            path, key = status_path, f"st {world['outbound'][sid]} {status}"
            s += 1
        out.append([at, path, urlencode(params), sign(auth, base + path, params), key])
    return out


def _is_message(i: int, share: float) -> bool:
    return int((i + 1) * share) > int(i * share)


def children(port: int, data: Path) -> list[tuple[str, list[str]]]:
    """`make run`'s processes, exactly as scripts/run.py starts them."""
    from scripts import run as make_run

    return [(child.name, child.argv) for child in make_run.children(port, data)]


def start(name: str, argv: list[str], env: dict, logs: Path) -> subprocess.Popen:
    log = (logs / f"{name}.log").open("w")
    return subprocess.Popen(
        argv, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_ready(port: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    last = {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=5) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            last = json.loads(exc.read() or b"{}")
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"/readyz never said ready: {last}")


def service_pids(data: Path) -> dict[str, list[int]]:
    import psutil

    pids = {"postgres": [], "redis": []}
    pidfile = data / "postgres" / "postmaster.pid"
    if pidfile.exists():
        pids["postgres"] = [int(pidfile.read_text().split()[0])]
    for proc in psutil.process_iter(["name", "cmdline"]):
        if "redis" in (proc.info["name"] or "") and str(data) in " ".join(
            proc.info["cmdline"] or []
        ):
            pids["redis"].append(proc.pid)
    if not pids["redis"]:
        for proc in psutil.process_iter(["name"]):
            if "redis-server" in (proc.info["name"] or ""):
                pids["redis"].append(proc.pid)
    return pids


def pending(env: dict) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute(
            "SELECT count(*) FROM inbox_inboundevent WHERE applied_at IS NULL"
            " AND gave_up_at IS NULL"
        ).fetchone()[0]


def wait_applied(env: dict, timeout: float = 600) -> float:
    started = time.monotonic()
    while pending(env) and time.monotonic() - started < timeout:
        time.sleep(0.2)
    return time.monotonic() - started


def closed_loop(port: int, path: str, prefix: str, seconds: float, env: dict, signed: dict | None):
    argv = [
        PY,
        str(BASE_DIR / "bench" / "loadgen.py"),
        "--port",
        str(port),
        "--path",
        path,
        "--sid-prefix",
        prefix,
        "--concurrency",
        "32",
        "--duration",
        str(seconds),
        "--senders",
        "500",
        "--count",
        str(int(seconds * 3000)),
    ]
    if signed:
        argv += ["--auth-token", signed["auth_token"], "--account-sid", signed["account_sid"]]
        argv += ["--to", signed["to"]]
    out = subprocess.run(argv, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    lat = sorted(result.pop("latencies_ms"))
    result["rate"] = result["ok"] / result["elapsed"]
    result["p50"], result["p99"] = percentile(lat, 0.5), percentile(lat, 0.99)
    return result


def scrape_metrics(port: int) -> dict[str, float]:
    """A few of /metrics' figures (summed over every process: multiprocess mode)."""
    wanted = (
        "inbox_webhooks_total",
        "inbox_inbound_events_applied_total",
        "inbox_websocket_connections",
        "inbox_inbound_apply_lag_seconds_count",
    )
    found: dict[str, float] = {}
    with urllib.request.urlopen(f"http://{HOST}:{port}/metrics", timeout=10) as answer:
        for line in answer.read().decode().splitlines():
            name, _, value = line.rpartition(" ")
            if line.startswith(wanted):
                found[name] = float(value)
    return found


def count(env: dict) -> dict:
    return run_json([PY, "-m", "bench.inbound_e2e.fixture", "count"], {**env})


def main() -> int:  # noqa: C901 - one run, step by step
    args = parse_args()
    info = describe()
    check_vector()
    data = BASE_DIR / ".data" / "bench-e2e"
    shutil.rmtree(data, ignore_errors=True)
    (data / "staticfiles").mkdir(parents=True)
    logs = data / "logs"
    logs.mkdir()
    env = env_for(data, args.port)
    os.environ.update(env)
    started_services = False
    procs: dict[str, subprocess.Popen] = {}
    report: dict = {"info": info, "args": vars(args)}
    try:
        if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
            embedded_services.start(data)
            started_services = True
        env = os.environ.copy()
        bench_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v", "0"],
            env=bench_env,
            cwd=BASE_DIR,
            check=True,
        )
        print("building the world ...", flush=True)
        world = run_json(
            [
                PY,
                "-m",
                "bench.inbound_e2e.fixture",
                "setup",
                "--customers",
                str(args.customers),
                "--agents",
                str(args.agents),
                "--outbound",
                str(
                    math.ceil(args.rate * args.duration * (1 - args.messages) / 3 / args.customers)
                ),
            ],
            env,
            attempts=1,
        )
        if "failed" in world:
            raise SystemExit("fixture failed")
        if not args.skip_probes:
            print("floor ...", flush=True)
            floor = start(
                "floor",
                [
                    PY,
                    "-m",
                    "uvicorn",
                    "bench.inbound_e2e.floor_app:app",
                    "--host",
                    HOST,
                    "--port",
                    str(args.port + 1),
                    "--no-access-log",
                    "--lifespan",
                    "off",
                ],
                env,
                logs,
            )
            wait_listening(args.port + 1, floor)
            closed_loop(args.port + 1, "/", "flw", 2, env, None)
            report["floor"] = closed_loop(args.port + 1, "/", "flm", args.probe, env, None)
            stop(floor)
        for name, argv in children(args.port, data):
            procs[name] = start(name, argv, env, logs)
        wait_listening(args.port, procs["web"])
        report["readyz"] = wait_ready(args.port)
        path = f"/webhooks/sms/{world['token']}/"
        if not args.skip_probes:
            print("ingest probe ...", flush=True)
            before = count(env)
            closed_loop(args.port, path, "inw", 2, env, world)
            wait_applied(env)
            before = count(env)
            watched = {name: [proc.pid] for name, proc in procs.items()}
            watched.update(service_pids(data))
            cpu_before = {k: tree_cpu(v) for k, v in watched.items()}
            t0 = time.monotonic()
            report["ingest"] = closed_loop(args.port, path, "inm", args.probe, env, world)
            after_ingest = count(env)
            drained = wait_applied(env)
            # CPU per accepted webhook, the apply of the probe's events included.
            cpu_after = {k: tree_cpu(v) for k, v in watched.items()}
            accepted = max(1, report["ingest"]["ok"])
            report["ingest"]["cpu_ms"] = {
                k: round(1000 * cpu_seconds(cpu_before[k], cpu_after[k]) / accepted, 3)
                for k in watched
            }
            report["ingest"]["cpu_ms"]["loadgen"] = round(
                1000 * report["ingest"]["cpu_seconds"] / accepted, 3
            )
            report["ingest"]["committed"] = after_ingest["events"] - before["events"]
            report["ingest"]["applied_in"] = time.monotonic() - t0
            report["ingest"]["drain_after"] = drained
        print("end to end ...", flush=True)
        tmp = Path(tempfile.mkdtemp(dir=data))
        (tmp / "sessions.json").write_text(json.dumps(world["sessions"]))
        agents = subprocess.Popen(
            [
                PY,
                "-m",
                "bench.inbound_e2e.agents",
                "--port",
                str(args.port),
                "--sessions",
                str(tmp / "sessions.json"),
                "--cookie-name",
                world["session_cookie"],
                "--workspace",
                world["workspace"],
                "--out",
                str(tmp / "agents.json"),
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if agents.stdout.readline().strip() != "ready":
            raise SystemExit("agents did not connect")
        full = plan(args, world, args.port)
        senders = []
        for n in range(args.senders):
            (tmp / f"plan{n}.jsonl").write_text(
                "\n".join(json.dumps(row) for row in full[n :: args.senders])
            )
            senders.append(
                subprocess.Popen(
                    [
                        PY,
                        "-m",
                        "bench.inbound_e2e.sender",
                        "--port",
                        str(args.port),
                        "--plan",
                        str(tmp / f"plan{n}.jsonl"),
                        "--out",
                        str(tmp / f"sent{n}.json"),
                    ],
                    cwd=BASE_DIR,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for sender in senders:
            if sender.stdout.readline().strip() != "ready":
                raise SystemExit("sender did not start")
        before = count(env)
        pids = service_pids(data)
        watched = {name: [proc.pid] for name, proc in procs.items()}
        watched.update(pids)
        watched["senders"] = [s.pid for s in senders]
        watched["agents"] = [agents.pid]
        cpu_before = {k: tree_cpu(v) for k, v in watched.items()}
        busy_before = machine_busy()
        start_at = time.time() + 1.0
        for sender in senders:
            sender.stdin.write(f"{start_at}\n")
            sender.stdin.flush()
        for sender in senders:
            sender.wait(timeout=args.duration + 300)
        load_end = time.time()
        drained = wait_applied(env)
        time.sleep(2.0)  # the last frames
        cpu_after = {k: tree_cpu(v) for k, v in watched.items()}
        busy = machine_busy() - busy_before
        window = time.time() - start_at
        report["metrics"] = scrape_metrics(args.port)
        agents.stdin.write("stop\n")
        agents.stdin.flush()
        agents.wait(timeout=60)
        after = count(env)
        sent = [json.loads((tmp / f"sent{n}.json").read_text()) for n in range(args.senders)]
        seen = json.loads((tmp / "agents.json").read_text())["seen"]
        db = run_json([PY, "-m", "bench.inbound_e2e.fixture", "latencies"], env, attempts=1)
        report["e2e"] = summarize(sent, seen, db, before, after)
        report["e2e"]["drain_after_load"] = drained
        report["e2e"]["load_seconds"] = load_end - start_at
        report["cpu"] = {
            k: round(
                sum(cpu_after[k][p] - cpu_before[k].get(p, 0.0) for p in cpu_after[k]) / window, 2
            )
            for k in watched
        }
        report["cpu"]["machine"] = round(busy / window, 2)
    finally:
        for proc in procs.values():
            stop(proc)
        if started_services:
            embedded_services.stop()
    text = markdown(report)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    (data / "report.json").write_text(json.dumps(report, default=str, indent=1))
    return 0


def cpu_seconds(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[p] - before.get(p, 0.0) for p in after)


def summarize(sent: list[dict], seen: list[dict], db: dict, before: dict, after: dict) -> dict:
    ok = [r for s in sent for r in s["results"] if 200 <= r[3] < 300]
    failed = [r for s in sent for r in s["results"] if not 200 <= r[3] < 300]
    answered = sorted((r[2] - r[1]) * 1000 for r in ok)
    ids = db["inbound_ids"]
    done_at: dict[str, float] = {}
    for key, _sent, answered_at, _status in ok:
        kind, _, rest = key.partition(" ")
        if kind == "in":
            message_id = ids.get(rest)
            if message_id:
                done_at[f"{message_id} created"] = answered_at
        else:
            done_at[rest] = answered_at
    latencies, missing, superseded = [], 0, 0
    for agent in seen:
        for key, answered_at in done_at.items():
            arrived = agent.get(key)
            if arrived is None:
                missing += 1
                superseded += _superseded(key, agent)
            else:
                latencies.append((arrived - answered_at) * 1000)
    latencies.sort()
    applied = db["applied_ms"]
    return {
        "2xx": len(ok),
        "non_2xx": len(failed),
        "late_sends": sum(s["late"] for s in sent),
        "events_committed": after["events"] - before["events"],
        "inbound_messages_created": after["inbound_messages"] - before["inbound_messages"],
        "inbound_2xx": sum(1 for r in ok if r[0].startswith("in ")),
        "set_aside": after["set_aside"],
        "left_unapplied": after["events"] - after["applied"] - after["set_aside"],
        "answer_ms": {"p50": percentile(answered, 0.5), "p99": percentile(answered, 0.99)},
        "screen_ms": {
            "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99),
            "max": latencies[-1] if latencies else float("nan"),
            "frames": len(latencies),
            "missing": missing,
            "superseded": superseded,
        },
        "applied_ms": {
            "p50": percentile(applied, 0.5),
            "p99": percentile(applied, 0.99),
            "max": applied[-1] if applied else float("nan"),
        },
        "sender_cpu": sum(s["cpu_seconds"] for s in sent),
    }


_LADDER = ("sent", "delivered", "read")


def _superseded(key: str, agent: dict) -> int:
    """1 when a missing status frame's message was seen at a later status: reports for
    one message applied in one batch reach the screen as one update with the latest
    status (statuses.apply_statuses), so the earlier one has no frame of its own."""
    message_id, _, status = key.partition(" ")
    if status not in _LADDER:
        return 0
    later = _LADDER[_LADDER.index(status) + 1 :]
    return int(any(f"{message_id} {s}" in agent for s in later))


def markdown(r: dict) -> str:
    info, args = r["info"], r["args"]
    lines = [
        f"## Inbound end to end (bench/inbound_e2e), {info['date']}",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}; "
        f"Python {info['python']}; commit {info['commit']} (+ uncommitted work)",
        f"- Load average when the run started: {info['load']}",
        f"- `make run`'s processes and defaults; {args['agents']} agents' websockets; "
        f"{args['rate']:.0f} webhooks/s for {args['duration']:.0f} s from {args['senders']} "
        f"sender processes ({args['messages']:.0%} customer messages, the rest status callbacks)",
        "",
    ]
    if "floor" in r:
        f, i = r["floor"], r["ingest"]
        lines += [
            "| probe (closed loop, 32 connections, same run) | 2xx/s | p50 ms | p99 ms | rows |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| floor: bare ASGI + async pool, one insert | {f['rate']:.0f} | {f['p50']:.1f} | "
            f"{f['p99']:.1f} | - |",
            f"| ingest: the real SMS webhook (signed) | {i['rate']:.0f} | {i['p50']:.1f} | "
            f"{i['p99']:.1f} | {i['committed']} of {i['ok']} |",
            "",
            f"Ingest probe: {i['ok']} accepted in {i['elapsed']:.1f} s, all applied "
            f"{i['applied_in']:.1f} s after the probe started "
            f"(apply >= {i['ok'] / i['applied_in']:.0f}/s while ingesting).",
            "",
            "CPU ms per accepted webhook in the ingest probe (its apply included): "
            + ", ".join(f"{k} {v}" for k, v in i.get("cpu_ms", {}).items()),
            "",
        ]
    e = r["e2e"]
    s, a = e["screen_ms"], e["applied_ms"]
    lines += [
        "| end to end | value |",
        "| --- | ---: |",
        f"| 2xx / non-2xx / sends later than 50 ms | {e['2xx']} / {e['non_2xx']} / "
        f"{e['late_sends']} |",
        f"| events committed vs 2xx | {e['events_committed']} vs {e['2xx']} |",
        f"| customer messages: created vs 2xx | {e['inbound_messages_created']} vs "
        f"{e['inbound_2xx']} |",
        f"| left unapplied / set aside | {e['left_unapplied']} / {e['set_aside']} |",
        f"| webhook answer p50 / p99 | {e['answer_ms']['p50']:.0f} / "
        f"{e['answer_ms']['p99']:.0f} ms |",
        f"| **2xx -> frame on an agent's socket** p50 / p99 / max | **{s['p50']:.0f} / "
        f"{s['p99']:.0f} / {s['max']:.0f} ms** ({s['frames']} frames, {s['missing']} missing, "
        f"{s.get('superseded', 0)} of them superseded by a later status in one batch) |",
        f"| accepted -> applied (received_at -> applied_at) p50 / p99 / max | {a['p50']:.0f} / "
        f"{a['p99']:.0f} / {a['max']:.0f} ms |",
        f"| backlog left when the load stopped, drained in | {e['drain_after_load']:.1f} s |",
        "",
        "CPU (cores busy during the run): " + ", ".join(f"{k} {v}" for k, v in r["cpu"].items()),
        "",
        "/metrics at the end of the load (all processes): "
        + ", ".join(f"`{k}` {v:g}" for k, v in r.get("metrics", {}).items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
