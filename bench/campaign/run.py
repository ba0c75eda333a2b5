"""A campaign end to end: `.venv/bin/python -m bench.campaign.run`.

Starts a fresh embedded PostgreSQL + Redis under .data/bench-campaign, migrates, builds
a workspace with `--recipients` labelled contacts (half RCS-capable, their capability
cached as the beat refresh leaves it), an SMS sender limited to `--mps` and an RCS line
falling back to it, both sandboxes answering after `--latency-ms`; starts uvicorn (the
app and both sandboxes), Celery workers and Celery beat (its schedule as `make run` runs
it: the outbox sweep settles a send whose answer was lost); creates the campaign (rate
`--send-rate`),
launches it, and waits until every recipient's message is sent or failed. Then reads
back the rows and both sandboxes' stores, times the campaign's page, and writes
bench/campaign/RESULTS.md. See README.md for the method.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import fresh_world  # noqa: E402
from bench.machine import CpuMeter, RssSampler, describe  # noqa: E402
from bench.results_file import produced_by, write_section  # noqa: E402
from bench.sms_outbound import metrics  # noqa: E402
from bench.sms_outbound.run import (  # noqa: E402
    service_pids,
    start_profiler,
    start_web,
    start_workers,
    summarize_profile,
)
from scripts import embedded_services  # noqa: E402
from scripts.processes import Child  # noqa: E402

HERE = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipients", type=int, default=100_000)
    p.add_argument("--mps", type=float, default=500.0, help="the SMS sender's limit")
    p.add_argument("--send-rate", type=int, default=500, help="the campaign's own rate (0: none)")
    p.add_argument("--latency-ms", type=int, default=100, help="both sandboxes' answer latency")
    p.add_argument("--callbacks", action="store_true", help="delivery reports on (off: sends only)")
    p.add_argument("--port", type=int, default=8393)
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--worker-procs", type=int, default=2)
    p.add_argument("--pool", default="threads")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--prefetch", type=int, default=4)
    # Longer than a send left `sending` waits for beat's sweep to settle it with the
    # provider: OUTBOX_RECONCILE_AFTER_SECONDS (60) + REQUEUE_SWEEP_SECONDS (60).
    p.add_argument("--stall", type=float, default=180.0, help="give up after no progress for")
    p.add_argument("--no-beat", action="store_true", help="run no Celery beat (no sweeps)")
    p.add_argument("--timeout", type=float, default=3600.0)
    p.add_argument("--page-requests", type=int, default=40, help="GETs of the campaign page")
    p.add_argument("--profile", type=float, default=0.0, help="py-spy each worker for N seconds")
    p.add_argument("--label", default="")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--append", action="store_true")
    return p.parse_args(argv)


def start_beat(env: dict[str, str], data: Path, logs: Path) -> Child:
    """Celery beat as `make run` starts it (scripts/run.py), with the settings' whole
    schedule: the outbox sweep (requeue_stuck_messages) among the rest."""
    argv = [
        sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
        "--schedule", str(data / "celerybeat-schedule"),
    ]  # fmt: skip
    return Child("beat", argv, env, logs)


# The bench's own look at the campaign counts every one of its messages (100 ms of
# PostgreSQL at 36,000 mid-send, growing with the campaign): once a second it took a
# tenth of a core from what it measures at 100,000 recipients. The rate comes from the
# rows' own `sent_at`, so looking less often changes no figure but the end's detection.
POLL_SECONDS = 5.0


def wait_done(args, campaign_id: int, total: int, children: list[Child]) -> dict:
    from bench.campaign import fixture

    started = time.monotonic()
    last_change, last_done, counts = started, -1, {}
    while True:
        counts = fixture.progress(campaign_id)
        done = sum(counts.get(s, 0) for s in ("sent", "delivered", "read", "failed"))
        if done >= total and counts.get("campaign") == "completed":
            return counts
        now = time.monotonic()
        if done != last_done:
            last_done, last_change = done, now
            print(f"  {done}/{total} {counts}", flush=True)
        dead = [c.name for c in children if not c.alive()]
        if dead or now - last_change > args.stall or now - started > args.timeout:
            print(f"giving up: {counts} (dead: {dead})", flush=True)
            return counts
        time.sleep(1.0 if done >= 0.97 * total else POLL_SECONDS)  # the end: closer


def time_page(args, info: dict, campaign_id: int) -> list[float]:
    """The campaign's page as its manager opens it, `--page-requests` times."""
    import httpx
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=info["user_id"])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    from django.conf import settings

    url = f"http://127.0.0.1:{args.port}/w/{fresh_slug()}/campaigns/{campaign_id}/"
    times = []
    with httpx.Client(cookies={settings.SESSION_COOKIE_NAME: session.session_key}) as client:
        for i in range(args.page_requests + 3):
            t0 = time.perf_counter()
            answer = client.get(url)
            elapsed = time.perf_counter() - t0
            if answer.status_code != 200:
                raise SystemExit(f"campaign page answered {answer.status_code}")
            if i >= 3:  # the first few warm the process's caches
                times.append(elapsed)
    return times


def fresh_slug() -> str:
    from bench.campaign.fixture import WORKSPACE_SLUG

    return WORKSPACE_SLUG


def analyse(args, info: dict, rows: list[dict], launched: float) -> dict:
    from bench.campaign import fixture

    statuses = Counter(r["status"] for r in rows)
    reached = [r for r in rows if r["status"] in ("sent", "delivered", "read")]
    times = sorted(r["sent_at"].timestamp() for r in reached)
    wall = (times[-1] - launched) if times else 0.0
    # Sustained: the middle 80% of the sends, away from the ramp-up and the tail.
    lo, hi = int(len(times) * 0.1), int(len(times) * 0.9)
    steady = (hi - lo) / (times[hi - 1] - times[lo]) if hi - lo > 1 else 0.0
    by_channel = Counter("sms (fallback)" if r["fallback_from_id"] else "rcs" for r in reached)
    bodies = fixture.sms_bodies(info["account_sid"])
    sms_dupes = metrics.duplicates(b for b in bodies if "ref R" in b)
    rcs_phones = [
        f"+{fixture.CUSTOMER_BASE + i}" for i in range(args.recipients) if fixture._rcs_capable(i)
    ]
    rcs_counts = fixture.rcs_deliveries(rcs_phones)
    return {
        "statuses": dict(statuses),
        "rows": len(rows),
        "sent": len(reached),
        "failed": statuses.get("failed", 0),
        "lost": len(rows) - len(reached) - statuses.get("failed", 0),
        "no_row": fixture.recipients_without_row(args.campaign_id, info["workspace_id"]),
        "wall": wall,
        "overall_rate": len(reached) / wall if wall else 0.0,
        "steady_rate": steady,
        "max_1s": metrics.max_in_window(times),
        "by_channel": dict(by_channel),
        "sms_accepted": sum(1 for b in bodies if "ref R" in b),
        "sms_duplicates": sum(n - 1 for n in sms_dupes.values()),
        "rcs_accepted": sum(rcs_counts.values()),
        "rcs_duplicates": sum(max(0, n - 1) for n in rcs_counts.values()),
        "multi_attempt": sum(1 for r in rows if r["attempts"] > 2),
        "left_for_sweep": fixture.left_for_sweep(args.campaign_id),
        "errors": Counter(
            r["error_message"][:100] for r in rows if r["status"] == "failed"
        ).most_common(5),
    }


def report(args, r: dict, cpu: dict, rss, page: list[float], profile, info: dict) -> str:
    limit = min(x for x in (args.mps, args.send_rate or args.mps) if x)
    within = abs(r["steady_rate"] - limit) <= 0.05 * limit
    p95 = metrics.percentile(sorted(page), 0.95) if page else float("nan")
    first_rss = rss[1][1] if len(rss) > 1 else (rss[0][1] if rss else 0.0)
    last_rss = rss[-1][1] if rss else 0.0
    peak_rss = max((m for _t, m in rss), default=0.0)
    flat = bool(rss) and last_rss <= first_rss * 1.15
    ok = (
        within
        and r["lost"] == 0
        and r["no_row"] == 0
        and not (r["sms_duplicates"] or r["rcs_duplicates"])
        and flat
        and p95 <= 0.300
    )
    title = f"## Run: {args.label}" if args.label else "## Run"
    lines = [
        title,
        "",
        f"- Date: {info['date']} (commit {info['commit']}); Python {info['python']}",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}; "
        f"load average at the start {info.get('load', '?')}",
        f"- Recipients: {args.recipients} (half RCS-capable, capability cached); SMS sender "
        f"limit {args.mps:g}/s; campaign rate {args.send_rate or 'none'}/s; both sandboxes "
        f"answer after {args.latency_ms} ms; delivery reports {'on' if args.callbacks else 'off'}",
        f"- Celery: {args.worker_procs} x pool={args.pool} concurrency={args.concurrency}; "
        f"uvicorn workers {args.web_workers} (the app and both sandboxes)",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| **sustained send rate** (middle 80% of sends) | **{r['steady_rate']:.0f} /s** "
        f"(limit {limit:g}) |",
        f"| launch -> last send | {r['wall']:.1f} s ({r['overall_rate']:.0f} /s overall) |",
        f"| most sends in any 1 s (our `sent_at`) | {r['max_1s']} |",
        f"| sent: over RCS / over the SMS fallback | "
        f"{r['by_channel'].get('rcs', 0)} / {r['by_channel'].get('sms (fallback)', 0)} |",
        f"| failed | {r['failed']} |",
        f"| lost (a message not sent nor failed / a recipient without a row) | "
        f"{r['lost']} / {r['no_row']} |",
        f"| duplicates at the provider (SMS bodies / RCS handsets) | "
        f"{r['sms_duplicates']} / {r['rcs_duplicates']} |",
        f"| accepted by the sandboxes (SMS / RCS) | {r['sms_accepted']} / {r['rcs_accepted']} |",
        f"| worker RSS, MiB: first sample after 5 s / last / peak | "
        f"{first_rss:.0f} / {last_rss:.0f} / {peak_rss:.0f} ({'flat' if flat else 'GROWING'}) |",
        f"| campaign page p50 / p95 ({len(page)} GETs, after the run) | "
        f"{metrics.percentile(sorted(page), 0.5) * 1000:.0f} / {p95 * 1000:.0f} ms |",
        f"| answers lost, left `sending` for beat's sweep (their final status) | "
        f"{sum(r['left_for_sweep'].values())} {r['left_for_sweep'] or ''} |",
        f"| CPU cores busy: machine / workers / beat / web (the sandboxes) / postgres / "
        f"redis | {cpu['machine']:.2f} / {cpu['workers']:.2f} / {cpu.get('beat', 0.0):.2f} / "
        f"{cpu['web']:.2f} / {cpu['postgres']:.2f} / {cpu['redis']:.2f} |",
        f"| worker CPU per recipient (workers' cores x run time / recipients) | "
        f"{cpu.get('worker_ms', float('nan')):.1f} ms |",
        "| CPU ms per recipient: product (workers + beat) / the sandboxes (web: only their "
        "requests during the run) / postgres (both) / redis (both) | "
        + " / ".join(f"{ms:.1f}" for ms in cpu.get("split_ms", ()))
        + " |",
        "",
        f"Targets (rate within 5% of {limit:g}/s, 0 lost, 0 duplicated, memory flat, page p95 "
        f"<= 300 ms): **{'met' if ok else 'NOT met'}**.",
        "",
    ]
    if r["errors"]:
        lines += ["Failures: " + "; ".join(f"{e} x{n}" for e, n in r["errors"]), ""]
    for who, summary in profile.items():
        if summary:
            lines += [
                f"py-spy of {who} ({args.profile:.0f} s, GIL holder):",
                "",
                "| inclusive | share | self | share |",
                "| --- | ---: | --- | ---: |",
            ]
            for (f, a), (g, b) in zip(summary["inclusive"], summary["self"], strict=False):
                lines.append(f"| `{f}` | {a:.0%} | `{g}` | {b:.0%} |")
            lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import os

    args = parse_args(argv)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    data, env = fresh_world.start("bench-campaign", args.port)
    logs = data / "logs"
    children: list[Child] = []
    rss = RssSampler([])
    try:
        import django

        django.setup()
        from bench.campaign import fixture

        print(f"building {args.recipients} recipients ...", flush=True)
        info = fixture.setup(
            recipients=args.recipients,
            mps=args.mps,
            latency_ms=args.latency_ms,
            callbacks=args.callbacks,
        )
        web = start_web(args, env, logs, children)
        workers = start_workers(args, env, logs, children)
        beat = None if args.no_beat else start_beat(env, data, logs)
        if beat is not None:
            children.append(beat)
        campaign_id = fixture.create_campaign(info, send_rate=args.send_rate or None)
        args.campaign_id = campaign_id
        pids = {
            "workers": [w.pid for w in workers],
            "web": [web.pid],
            **({"beat": [beat.pid]} if beat is not None else {}),
            **service_pids(data),
        }
        meter = CpuMeter(pids)
        meter.start()
        rss = RssSampler([w.pid for w in workers])
        rss.start()
        # Every worker: the expansion and the drains land on either.
        profilers = [
            start_profiler(args.profile, w.pid, data / f"profile-worker{i}.txt")
            for i, w in enumerate(workers)
            if args.profile
        ]
        print("launching ...", flush=True)
        launched = fixture.launch(campaign_id)
        counts = wait_done(args, campaign_id, args.recipients, children)
        cpu = meter.stop()
        per = meter.elapsed / args.recipients * 1000  # core-seconds -> ms a recipient
        cpu["worker_ms"] = cpu["workers"] * per
        cpu["split_ms"] = [
            (cpu["workers"] + cpu.get("beat", 0.0)) * per,
            cpu["web"] * per,
            cpu["postgres"] * per,
            cpu["redis"] * per,
        ]
        rss.stopped.set()
        for profiler in profilers:
            if profiler is not None:
                profiler.wait(timeout=args.profile + 60)
        print(f"done: {counts}; timing the campaign page ...", flush=True)
        page = time_page(args, info, campaign_id)
        rows = fixture.rows(campaign_id)
        result = analyse(args, info, rows, launched)
    finally:
        rss.stopped.set()
        for child in reversed(children):
            child.stop()
        embedded_services.stop()
    profile = {
        f"worker {i}": summarize_profile(data / f"profile-worker{i}.txt")
        for i in range(args.worker_procs if args.profile else 0)
    }
    info = {**describe(), "load": load}
    text = report(args, result, cpu, rss.samples, page, profile, info)
    print("\n" + text, flush=True)
    (data / "result.json").write_text(
        json.dumps({**result, "rss": rss.samples, "page": page}, default=str, indent=1)
    )
    if not args.no_write:
        header = produced_by("Campaign benchmark results", "bench.campaign.run")
        write_section(HERE / "RESULTS.md", text, header=header, append=args.append)
    bad = result["lost"] or result["no_row"] or result["sms_duplicates"] or result["rcs_duplicates"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
