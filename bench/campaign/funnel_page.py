"""The campaign's funnel page at 100,000 recipients, computed on every request:
`.venv/bin/python -m bench.campaign.funnel_page`.

Starts a fresh embedded PostgreSQL + Redis under .data/bench-funnel (`--reuse`: keep the
loaded one), builds the world of bench/campaign/funnel_data.py (one workspace, ~1,000,000
messages, the measured campaign's 100,000 recipients and their history), then times, in
process through Django's test Client as the campaign's manager, with the funnel report's
cache entry deleted before every request (so each one computes the funnel):

- the campaign's page `/w/<slug>/campaigns/<id>/`,
- the API's `GET /api/v1/campaigns/{id}` (a read-scoped token of the manager),
- the per-recipient CSV's first page (its first 2,000 lines, streamed),
- the funnel statement alone (`campaign_funnel`).

p50/p95 over `--requests` each after `--warmup`. Writes bench/campaign/RESULTS.md (a
section) and the funnel statement's EXPLAIN ANALYZE beside the data (.data/bench-funnel/
explain.txt). See README.md ("Funnel page").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import fresh_world  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.results_file import write_section  # noqa: E402
from scripts import embedded_services  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "bench-funnel"
TARGET_MS = 300.0
CSV_PAGE = 2000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipients", type=int, default=100_000)
    p.add_argument("--contacts", type=int, default=120_000, help="in the workspace")
    p.add_argument("--messages", type=int, default=1_000_000, help="in the workspace")
    p.add_argument("--requests", type=int, default=40)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--port", type=int, default=8491)
    p.add_argument("--reuse", action="store_true", help="keep .data/bench-funnel if loaded")
    p.add_argument("--label", default="")
    p.add_argument("--no-write", action="store_true")
    return p.parse_args(argv)


def start(args) -> Path:
    if args.reuse and (BASE_DIR / ".data" / NAME / "loaded").exists():
        return fresh_world.reopen(NAME, args.port)
    data, _env = fresh_world.start(NAME, args.port)
    return data


def build(args, data: Path) -> tuple[dict, dict, float | None]:
    import json

    from bench.campaign import funnel_data

    marker = data / "loaded"
    if marker.exists():
        info = json.loads(marker.read_text())
        return info, funnel_data.counts(info), None
    started = time.monotonic()
    print(f"building the world ({args.messages} messages) ...", flush=True)
    info = funnel_data.setup_orm(recipients=args.recipients)
    counts = funnel_data.load(
        info, contacts=args.contacts, messages=args.messages, log=lambda s: print(s, flush=True)
    )
    seconds = time.monotonic() - started
    marker.write_text(json.dumps(info))
    return info, counts, seconds


def forget_report(campaign) -> None:
    """Delete the funnel report's cache entry in every language, so the next request
    computes it."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from inbox.selectors.campaign_funnel_report import _cache_key

    keys = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            keys.append(_cache_key(campaign))
    cache.delete_many(keys)


def _cpu_probe():
    """CPU seconds used so far by this process (Django) and by its PostgreSQL backend:
    on a shared machine the wall time of a request grows with others' load; its CPU
    time much less, so it says what the request itself costs."""
    import resource

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> tuple[float, float]:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime, (int(fields[11]) + int(fields[12])) / tick

    return read


def timed(name: str, call, campaign, args, cpu: dict) -> list[float]:
    times = []
    probe = _cpu_probe()
    for i in range(args.warmup + args.requests):
        forget_report(campaign)
        if i == args.warmup:
            start_cpu = probe()
        t0 = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= args.warmup:
            times.append(elapsed)
    end_cpu = probe()
    cpu[name] = tuple(
        (b - a) * 1000 / args.requests for a, b in zip(start_cpu, end_cpu, strict=True)
    )
    print(
        f"{name:36s} p50 {statistics.median(times):7.1f} ms  p95 {p95(times):7.1f} ms  "
        f"max {max(times):7.1f}; CPU django {cpu[name][0]:.0f} ms, postgres {cpu[name][1]:.0f} ms",
        flush=True,
    )
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def measure(args, info: dict) -> dict[str, list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from inbox.models import Campaign, Workspace
    from inbox.selectors.campaign_funnel import campaign_funnel
    from inbox.services.tokens import create_api_token

    campaign = Campaign.objects.get(pk=info["campaigns"][-1])
    workspace = Workspace.objects.get(pk=info["workspace_id"])
    user = get_user_model().objects.get(pk=info["user_id"])
    client = Client()
    client.force_login(user)
    _token, raw = create_api_token(user, workspace, "bench", scopes=["read"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    page_url = f"/w/{workspace.slug}/campaigns/{campaign.pk}/"
    csv_url = page_url + "recipients.csv"

    def get(c, url):
        def call():
            answer = c.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            return answer

        return call

    def csv_first_page():
        answer = client.get(csv_url)
        assert answer.status_code == 200, (csv_url, answer.status_code)
        lines = 0
        for chunk in answer.streaming_content:
            lines += chunk.count(b"\n")
            if lines > CSV_PAGE:
                break
        answer.close()

    def funnel_only():
        campaign_funnel(Campaign.objects.get(pk=campaign.pk))

    cpu: dict = {}
    timings = {
        "campaign page": timed("campaign page", get(client, page_url), campaign, args, cpu),
        "GET /api/v1/campaigns/{id}": timed(
            "GET /api/v1/campaigns/{id}",
            get(api, f"/api/v1/campaigns/{campaign.pk}"),
            campaign,
            args,
            cpu,
        ),
        f"recipients CSV, first {CSV_PAGE} lines": timed(
            f"recipients CSV, first {CSV_PAGE} lines", csv_first_page, campaign, args, cpu
        ),
        "funnel statement alone (campaign_funnel)": timed(
            "funnel statement alone (campaign_funnel)", funnel_only, campaign, args, cpu
        ),
    }
    return timings, cpu


def explain(info: dict, data: Path) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the funnel statement, written beside the data."""
    from django.db import connection

    from inbox.models import Campaign
    from inbox.selectors import campaign_funnel as funnel
    from inbox.selectors.in_memory_plan import in_memory_plan

    campaign = Campaign.objects.get(pk=info["campaigns"][-1])
    with in_memory_plan(), connection.cursor() as cursor:  # as campaign_funnel runs it
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + funnel._funnel_sql(),
            funnel.per_recipient_params(campaign),
        )
        text = "\n".join(row[0] for row in cursor.fetchall())
    (data / "explain.txt").write_text(text + "\n")
    return text


def report(args, counts: dict, loaded: float | None, timings, cpu, machine) -> str:
    from django.db import connection

    version = connection.cursor().connection.info.server_version
    page = timings["campaign page"]
    met = p95(page) <= TARGET_MS
    lines = [
        f"## Funnel page, uncached{': ' + args.label if args.label else ''}",
        "",
        "Produced by `.venv/bin/python -m bench.campaign.funnel_page` (see README.md, "
        '"Funnel page"): in-process Django test Client, the report\'s cache entry deleted '
        "before every request.",
        "",
        f"- Date: {machine['date']} (commit {machine['commit']}); Python {machine['python']}; "
        f"PostgreSQL {version // 10000}.{version % 10000} (embedded)",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"{machine['os']}; load average at the start {machine['load']}",
        f"- Data: {counts['messages']:,} messages in the workspace ({counts['contacts']:,} "
        f"contacts, three campaigns, {counts['status_events']:,} status events); the measured "
        f"campaign: {counts['recipients']:,} recipients, {counts['campaign_messages']:,} "
        f"messages, {counts['replies']:,} replies, {counts['links_clicked']:,} links followed, "
        f"{counts['conversions']:,} conversions"
        + (f"; loaded in {loaded:.0f} s" if loaded else ""),
        f"- {args.requests} measured requests each after {args.warmup} warm-up ones",
        "",
        "| target | p50 ms | p95 ms | max ms | CPU a request: Django / PostgreSQL ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, times in timings.items():
        own, pg = cpu[name]
        lines.append(
            f"| {name} | {statistics.median(times):.0f} | {p95(times):.0f} | "
            f"{max(times):.0f} | {own:.0f} / {pg:.0f} |"
        )
    lines += [
        "",
        f"Target (campaign page p95 <= {TARGET_MS:.0f} ms, uncached): "
        f"**{'met' if met else 'NOT met'}**.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    data = start(args)
    try:
        import django

        django.setup()
        info, counts, loaded = build(args, data)
        print(f"world: {counts}", flush=True)
        # The load as the measuring starts (the world's build above is this run's own).
        measured_load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        timings, cpu = measure(args, info)
        plan = explain(info, data)
        print(plan, flush=True)
        machine = {**describe(), "load": f"{load} (run) / {measured_load} (measuring)"}
        text = report(args, counts, loaded, timings, cpu, machine)
    finally:
        embedded_services.stop()
    print("\n" + text, flush=True)
    if not args.no_write:
        write_section(HERE / "RESULTS.md", text, append=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
