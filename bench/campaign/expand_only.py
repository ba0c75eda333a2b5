"""The campaign's expansion alone, no drains: `.venv/bin/python -m bench.campaign.expand_only`.

Builds the campaign bench's world (fixture.py) in its own data dir, launches the
campaign with no worker running (the drain kicks and the expansion task wait in Redis,
unread) and runs the expansion in this process: how many recipients a second one
serial expansion writes on this machine, the statements of one chunk, the plans of
the costly ones, and optionally a cProfile of the whole run. Run it under the bench
lock (`flock /tmp/bench.lock ...`): it is a measurement.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import fresh_world  # noqa: E402
from scripts import embedded_services  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--recipients", type=int, default=30_000)
    p.add_argument("--port", type=int, default=8396)
    p.add_argument("--name", default="bench-campaign-expand", help="the data dir under .data")
    p.add_argument("--chunk", type=int, default=0, help="CAMPAIGN_CHUNK_SIZE (0: setting's)")
    p.add_argument("--profile", action="store_true", help="cProfile the expansion")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE a mid-run chunk")
    p.add_argument(
        "--alternate",
        default="",
        help="chunk sizes taken in turn, e.g. 200,1000: each size's wall ms a recipient "
        "under the same conditions",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.chunk:
        os.environ["CAMPAIGN_CHUNK_SIZE"] = str(args.chunk)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    fresh_world.start(args.name, args.port)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from bench.campaign import fixture
        from inbox.services.campaigns import expansion
        from inbox.services.campaigns.expansion import MORE, expand_chunk

        print(f"building {args.recipients} recipients ...", flush=True)
        info = fixture.setup(recipients=args.recipients, mps=500, latency_ms=100, callbacks=False)
        campaign_id = fixture.create_campaign(info, send_rate=500)
        fixture.launch(campaign_id)
        chunks, captured, profiler = 0, None, cProfile.Profile() if args.profile else None
        # A run's sizes as run_expansion takes them (growing, where the code does).
        sizes = getattr(expansion, "chunk_sizes", lambda: iter(lambda: None, 0))()
        if args.alternate:
            sizes = itertools.cycle(int(n) for n in args.alternate.split(","))
        per_size: dict[int | None, list[float]] = {}
        cpu0, t0 = time.process_time(), time.monotonic()
        if profiler:
            profiler.enable()
        while True:
            size = next(sizes)
            kwargs = {"size": size} if size else {}
            started = time.monotonic()
            if chunks == 10:
                with CaptureQueriesContext(connection) as ctx:
                    outcome = expand_chunk(campaign_id, **kwargs)
                captured = ctx.captured_queries
            else:
                outcome = expand_chunk(campaign_id, **kwargs)
            per_size.setdefault(size, []).append((time.monotonic() - started) / (size or 200))
            chunks += 1
            if outcome != MORE:
                break
        if profiler:
            profiler.disable()
        wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
        n = args.recipients
        print(
            f"load at start {load}; first chunk {settings.CAMPAIGN_CHUNK_SIZE}; {chunks} chunks; "
            f"{n} recipients in {wall:.1f} s = {n / wall:.0f}/s; "
            f"this process's CPU {cpu:.1f} s = {cpu / n * 1000:.2f} ms a recipient",
            flush=True,
        )
        for size, times in sorted(per_size.items(), key=lambda kv: kv[0] or 0):
            print(
                f"  size {size}: {len(times)} chunks, "
                f"median {statistics.median(times) * 1000:.2f} ms a recipient"
            )
        for q in captured or []:
            print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
        if args.explain and captured:
            _explain(connection, captured)
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
    finally:
        embedded_services.stop()
    return 0


def _explain(connection, captured: list[dict]) -> None:
    """The plans of the chunk's three slowest statements, run again in a rolled-back
    transaction (their parameters already inlined by the capture)."""
    from django.db import transaction

    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
    for q in slowest:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
            continue
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - a diagnostic: show and go on
            plan = [f"(not explained: {exc})"]
        print(f"\n-- {sql[:200]}")
        print("\n".join(plan[:25]))


if __name__ == "__main__":
    sys.exit(main())
