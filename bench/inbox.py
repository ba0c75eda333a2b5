"""`make bench-inbox`: server time of the agent inbox at 100,000 conversations / 1,000,000
messages: the list (each view, and with filters), a long thread, and search.

    .venv/bin/python bench/inbox.py                 # load once (reused after), measure
    .venv/bin/python bench/inbox.py --fresh         # delete .data/bench-inbox and reload
    .venv/bin/python bench/inbox.py --no-write      # print only

Uses its own embedded PostgreSQL and Redis under .data/bench-inbox (or DATABASE_URL /
REDIS_URL when set), loads them with `bench.inbox_data` (COPY), and then times
requests in-process through Django's test Client as a signed-in agent: the clock covers
the whole request handling (middleware, session, queries, template rendering) and
nothing of a network or a web server. Each target runs --warmup unmeasured requests,
then --iterations measured ones; p50/p95 are over the measured ones. Search cycles
through terms from very common to rare, a name, a phone prefix, a phrase and a half-typed
word, and each term's own p50/p95 are listed under the table (a slow term hides in a
rotating p95 only as a tail).
Writes a section into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote_plus

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DATA = Path(os.environ.get("BENCH_INBOX_DATA_DIR", BASE_DIR / ".data" / "bench-inbox"))
SLUG = "bench"
TARGET_LIST_MS = 50.0
TARGET_SEARCH_MS = 150.0
SECTION = "## bench/inbox"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--conversations", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--iterations", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--fresh", action="store_true", help="delete the data dir and reload")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    return p.parse_args()


def setup_env() -> None:
    os.environ["INBOX_DATA_DIR"] = str(DATA)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    (DATA / "staticfiles").mkdir(parents=True, exist_ok=True)


def load(args: argparse.Namespace) -> float | None:
    """Migrate and load once; returns the load's seconds (None when reused)."""
    from django.core.management import call_command

    from bench.inbox_data.load import load_workspace
    from inbox.models import Workspace

    call_command("migrate", verbosity=0, skip_checks=True)
    if Workspace.objects.filter(slug=SLUG).exists():
        return None
    started = time.monotonic()
    load_workspace(
        slug=SLUG,
        conversations=args.conversations,
        messages=args.messages,
        log=lambda line: print(line, file=sys.stderr),  # progress, as the load goes
    )
    return time.monotonic() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def time_requests(
    client, urls: list[str], iterations: int, warmup: int, per_url: dict | None = None
) -> list[float]:
    for i in range(warmup):
        response = client.get(urls[i % len(urls)])
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)
    timings = []
    for i in range(iterations):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
        if per_url is not None:
            per_url.setdefault(url, []).append(elapsed)
    return timings


def targets() -> list[tuple[str, list[str], float]]:
    from inbox.models import Conversation, Label, Team, Workspace
    from inbox.selectors.cursor import conversation_cursor

    workspace = Workspace.objects.get(slug=SLUG)
    team = Team.objects.filter(workspace=workspace).order_by("pk").first()
    label = Label.objects.filter(workspace=workspace).order_by("pk").first()
    channel = workspace.channels.order_by("pk").first()
    longest = (
        Conversation.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True)
    )[0]
    base = f"/w/{SLUG}/fragments/conversations/"
    first_page = Conversation.objects.filter(workspace=workspace, status="open").order_by(
        "-last_message_at", "-pk"
    )[49]
    cursor = conversation_cursor(last_message_at=first_page.last_message_at, pk=first_page.pk)
    terms = [
        "hello",  # in ~40% of messages
        "payment",  # ~12%
        "closed",  # ~3%
        "stock",  # ~2%
        "Moreno",  # a contact surname
        "%2B155500012",  # a phone-number prefix
        "%22late+delivery%22",  # a phrase
        "refund+-cancel",  # with an exclusion
        "order+48213",  # an order number
        "zzqqxx",  # nothing
        "deliv",  # half a word, as typed (the last word matches as a prefix)
    ]
    return [
        ("list: all (open)", [base], TARGET_LIST_MS),
        ("list: mine", [base + "?view=mine"], TARGET_LIST_MS),
        ("list: unassigned", [base + "?view=unassigned"], TARGET_LIST_MS),
        ("list: team", [base + f"?view=team-{team.pk}"], TARGET_LIST_MS),
        ("list: all statuses", [base + "?status=all"], TARGET_LIST_MS),
        (
            "list: team + channel + label",
            [base + f"?view=team-{team.pk}&channel={channel.pk}&label={label.pk}"],
            TARGET_LIST_MS,
        ),
        ("list: page 2 (Load more)", [base + f"?cursor={cursor}"], TARGET_LIST_MS),
        ("full page (list, no thread)", [f"/w/{SLUG}/"], None),
        (
            "thread (5,000-message conversation)",
            [f"/w/{SLUG}/fragments/c/{longest}/thread/"],
            TARGET_LIST_MS,
        ),
        (
            f"search ({len(terms)} terms, rotating)",
            [base + f"?q={t}&status=all" for t in terms],
            TARGET_SEARCH_MS,
        ),
    ]


def write_results(lines: list[str]) -> None:
    path = BASE_DIR / "bench" / "RESULTS.md"
    text = path.read_text()
    block = "\n".join(lines) + "\n"
    if SECTION in text:
        start = text.index(SECTION)
        rest = text[start + len(SECTION) :]
        nxt = rest.find("\n## ")
        end = len(text) if nxt == -1 else start + len(SECTION) + nxt + 1
        text = text[:start] + block + ("\n" if end < len(text) else "") + text[end:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def main() -> None:
    args = parse_args()
    if args.fresh and DATA.exists():
        shutil.rmtree(DATA)
    setup_env()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.machine import describe

    machine = describe()
    seconds = load(args)
    if seconds is not None:
        print(f"loaded in {seconds:.0f}s", flush=True)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM inbox_message m "
            "JOIN inbox_workspace w ON w.id = m.workspace_id WHERE w.slug = %s",
            [SLUG],
        )
        n_messages = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM inbox_conversation c "
            "JOIN inbox_workspace w ON w.id = c.workspace_id WHERE w.slug = %s",
            [SLUG],
        )
        n_conversations = cur.fetchone()[0]
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{SLUG}-agent1"))
    rows = []
    per_term: dict[str, list[float]] = {}
    for name, urls, target in targets():
        searching = name.startswith("search")
        timings = time_requests(
            client, urls, args.iterations, args.warmup, per_term if searching else None
        )
        p50, p95 = statistics.median(timings), percentile(timings, 95)
        met = "" if target is None else ("yes" if p95 <= target else "**no**")
        rows.append((name, p50, p95, max(timings), target, met))
        print(
            f"{name:40s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(timings):6.1f}", flush=True
        )
    pg_version = connection.cursor().connection.info.server_version
    lines = [
        f"{SECTION}",
        "",
        "Produced by `make bench-inbox` (bench/inbox.py); method in its docstring. Server time "
        "= one request through Django's test Client in-process (middleware, session, queries, "
        "templates), signed in as an agent with 50% of conversations read; no network, one "
        "request at a time.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"{machine['os']}; Python {machine['python']}; PostgreSQL {pg_version // 10000}."
        f"{pg_version % 10000} (embedded); commit {machine['commit']}",
        f"- Date: {machine['date']}; load average at start: {machine['load']}",
        f"- Data: {n_conversations:,} conversations, {n_messages:,} messages, one workspace "
        "(20 agents, 3 teams, 8 labels, 3 channels; 35% open)"
        + (f"; loaded by `bench.inbox_data` (COPY) in {seconds:.0f}s" if seconds else ""),
        f"- {args.iterations} measured requests per target after {args.warmup} warm-up ones",
        "",
        "| target | p50 ms | p95 ms | max ms | target p95 | met |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, p50, p95, worst, target, met in rows:
        goal = "" if target is None else f"<= {target:.0f}"
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {goal} | {met} |")
    missed = [r[0] for r in rows if r[5] == "**no**"]
    lines += [
        "",
        "All targets met." if not missed else "Missed: " + ", ".join(missed) + ".",
        "",
        "Search per term (same run):",
        "",
        "| term | p50 ms | p95 ms |",
        "| --- | ---: | ---: |",
    ]
    for url, timings in per_term.items():
        term = unquote_plus(url.split("q=", 1)[1].split("&", 1)[0])
        lines.append(
            f"| `{term}` | {statistics.median(timings):.1f} | {percentile(timings, 95):.1f} |"
        )
    print("\n".join(lines))
    if not args.no_write:
        write_results(lines)


if __name__ == "__main__":
    main()
