"""Does a page's cost grow with history? The inbox (list, thread, search) and the
dashboards page timed at two sizes of the same database, 1,000,000 then 10,000,000
messages, and compared: p95 at the larger size within 1.25x of the smaller one's, and
inside the targets (list and thread 50 ms, search 150 ms, dashboards 300 ms).

Loading and measuring are separate invocations so the heavy loading can run under
`nice` and only the measuring under the shared bench lock (see bench/README.md):

    W=inbox   # or dashboards
    nice -n 19 .venv/bin/python bench/history_growth.py load --world $W --messages 1000000
    flock /tmp/bench.lock .venv/bin/python bench/history_growth.py measure --world $W
    nice -n 19 .venv/bin/python bench/history_growth.py load --world $W --messages 10000000
    flock /tmp/bench.lock .venv/bin/python bench/history_growth.py measure --world $W
    .venv/bin/python bench/history_growth.py report     # table into bench/RESULTS.md

The first `load` makes the world as its own bench does (bench.inbox_data for the inbox,
bench/dashboards.py's loader and a roll-up rebuild for the dashboards); a later `load`
with more messages grows the same database by adding history: each "epoch" k is a copy
of the first load shifted k x 90 days into the past (so the same shape: the same thread
lengths, words, statuses per conversation, ...), nine epochs making 10x. Most copied
threads become new, resolved conversations of new contacts (one conversation per contact
is the model's rule); every tenth original conversation instead receives its copies as
older messages of its own thread, so long threads get longer (the 5,000-message thread
of the inbox world ends with 50,000). The copies are made by PostgreSQL itself
(INSERT ... SELECT, with the message table's secondary indexes dropped during the copy
and built again after it, and foreign-key triggers off for the loading session:
session_replication_role = replica, rows consistent by construction); then
`VACUUM ANALYZE`, as autovacuum would have done by then. In the dashboards world the
roll-up rows of the added days are the shifted copies of the rolled-up 90 days, which is
what recomputing the shifted history gives (up to daylight-saving hours), without
spending an hour of roll-up passes on it.

`measure` times each target like bench/inbox.py and bench/dashboards.py (Django's test
Client in-process, server time, warm-up then measured requests) and stores the figures
in .data/bench-growth-figures, keyed by world and message count; `report` writes one
table into bench/RESULTS.md. A `load` stops the embedded PostgreSQL it started (a server
started by a niced process stays niced), and `measure` refuses to time a niced one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote_plus

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
_ROOT = Path(os.environ.get("BENCH_GROWTH_ROOT", BASE_DIR / ".data"))  # a trial elsewhere
DATA = {"inbox": _ROOT / "bench-growth", "dashboards": _ROOT / "bench-growth-dash"}
# One place for the figures of every size, whichever copy of a world was measured.
FIGURES = Path(os.environ.get("BENCH_GROWTH_FIGURES", BASE_DIR / ".data" / "bench-growth-figures"))
SLUG = "bench"
EPOCH_DAYS = 90
# Every MOVE_EVERY-th original conversation takes its copies as older messages of its
# own thread; the others' copies become new conversations.
MOVE_EVERY = 10
RATIO_LIMIT = 1.25
DASHBOARD_TARGET_MS = 300.0
SECTION = "## History growth (bench/history_growth.py)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    ld = sub.add_parser("load", help="load the first size, or grow to a larger one")
    ld.add_argument("--world", choices=sorted(DATA), required=True)
    ld.add_argument("--messages", type=int, required=True)
    ld.add_argument("--conversations", type=int, default=None, help="first load only")
    me = sub.add_parser("measure", help="time every target at the current size")
    me.add_argument("--world", choices=sorted(DATA), required=True)
    me.add_argument("--iterations", type=int, default=200)
    me.add_argument("--warmup", type=int, default=20)
    me.add_argument("--requests", type=int, default=40, help="dashboards page renders")
    me.add_argument(
        "--only", default="", help="inbox targets whose name starts with this (e.g. search)"
    )
    rp = sub.add_parser("report", help="write the comparison table")
    rp.add_argument("--small", type=int, default=1_000_000)
    rp.add_argument("--large", type=int, default=10_000_000)
    rp.add_argument("--no-write", action="store_true")
    return p.parse_args(argv)


def setup_django(world: str) -> None:
    data = DATA[world]
    (data / "staticfiles").mkdir(parents=True, exist_ok=True)
    os.environ["INBOX_DATA_DIR"] = str(data)
    os.environ["XDG_RUNTIME_DIR"] = str(data / "run")
    os.environ["BENCH_INBOX_DATA_DIR"] = str(data)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DB_POOL", "false")
    import django

    django.setup()


def log(line: str) -> None:
    print(time.strftime("%H:%M:%S ") + line, file=sys.stderr, flush=True)


# --- loading -----------------------------------------------------------------------------


def _sql(statement: str, params: list | dict | None = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall() if cur.description else []


def _one(statement: str, params: list | dict | None = None):
    return _sql(statement, params)[0][0]


def vacuum_analyze(tables: list[str] | None = None) -> None:
    """What autovacuum would have done by the time anyone reads: visibility map (index-only
    scans) and planner statistics."""
    from django.db import connection

    with connection.cursor() as cur:
        if tables is None:
            cur.execute("VACUUM ANALYZE")
        else:
            for table in tables:
                cur.execute(f"VACUUM ANALYZE {table}")


def load(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from inbox.models import Workspace

    ws = Workspace.objects.filter(slug=SLUG).first()
    started = time.monotonic()
    if ws is None:
        if args.world == "inbox":
            from bench.inbox_data.load import load_workspace

            load_workspace(
                slug=SLUG,
                conversations=args.conversations or args.messages // 10,
                messages=args.messages,
                log=log,
            )
        else:
            load_dashboards_world(args)
        ws = Workspace.objects.get(slug=SLUG)
    if not _has_base():  # the first load (here, or by hand with bench.inbox_data)
        _base_marker(ws.pk)
        log("vacuum analyze")
        vacuum_analyze()
    else:
        grow(args.world, ws.pk, args.messages)
    log(f"done in {time.monotonic() - started:.0f}s: {_messages(ws.pk):,} messages")
    stop_server()


def stop_server() -> None:
    """Stop the embedded PostgreSQL this (niced) load started, so `measure` starts one at
    normal priority. pgserver stops it on exit only when no other process ever joined it."""
    from django.db import connections

    from config.embedded import _handles

    server = _handles.get("postgres")
    if server is None:  # DATABASE_URL: not ours to stop
        return
    connections.close_all()
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def load_dashboards_world(args: argparse.Namespace) -> None:
    """bench/dashboards.py's history (its loader, as `make bench-dashboards` runs it),
    then its roll-ups from scratch."""
    import bench.dashboards as dash
    from dashboards import rollup

    dash_args = argparse.Namespace(
        messages=args.messages, conversations=args.conversations or 50_000, agents=20
    )
    ws = dash.load(dash_args)
    log("roll-up rebuild")
    rollup.rebuild(ws)


def _messages(ws: int) -> int:
    return _one("SELECT count(*) FROM inbox_message WHERE workspace_id = %s", [ws])


def _has_base() -> bool:
    return bool(_one("SELECT to_regclass('bench_growth') IS NOT NULL"))


def _base_marker(ws: int) -> None:
    """Remember what the first load made (id ranges, message count): every epoch copies
    exactly that."""
    base = {
        "messages": _messages(ws),
        "conversations": list(
            _sql("SELECT min(id), max(id) FROM inbox_conversation WHERE workspace_id = %s", [ws])[0]
        ),
        "contacts": list(
            _sql("SELECT min(id), max(id) FROM inbox_contact WHERE workspace_id = %s", [ws])[0]
        ),
        # The first load's rows of the tables copied by id range (later rows are copies).
        "max_ids": {
            table: _one(f"SELECT coalesce(max(id), 0) FROM {table}") for table in _COPIED_BY_ID
        },
    }
    _sql("CREATE TABLE IF NOT EXISTS bench_growth (key text PRIMARY KEY, value jsonb NOT NULL)")
    _sql(
        "INSERT INTO bench_growth VALUES ('base', %s) ON CONFLICT (key) DO UPDATE "
        "SET value = EXCLUDED.value",
        [json.dumps(base)],
    )


_COPIED_BY_ID = (
    "dashboards_conversationstatusevent",
    "dashboards_agentconversation",
    "dashboards_responsesample",
    "dashboards_resolutionsample",
    "dashboards_hourlymessagestats",
    "dashboards_hourlychannelstats",
    "dashboards_reasoncount",
)


def _columns(table: str) -> list[tuple[str, str]]:
    """(name, type) of the columns an INSERT may name (generated ones are PostgreSQL's)."""
    return _sql(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        [table],
    )


def copy_rows(
    table: str,
    where: str,
    shift_days: int,
    overrides: dict[str, str | None],
    source: str | None = None,
) -> int:
    """INSERT INTO table SELECT ... FROM (source or table) WHERE where: every timestamp
    moved `shift_days` into the past, every date too, `overrides` as SQL expressions
    (None leaves the column to its default, e.g. an id from the sequence)."""
    names, exprs = [], []
    for name, kind in _columns(table):
        if name in overrides:
            if overrides[name] is None:
                continue
            expr = overrides[name]
        elif kind.startswith("timestamp"):
            expr = f"{name} - interval '{shift_days} days'"
        elif kind == "date":
            expr = f"{name} - {shift_days}"
        else:
            expr = name
        names.append(name)
        exprs.append(expr)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({', '.join(names)}) "
            f"SELECT {', '.join(exprs)} FROM {source or table} WHERE {where}"
        )
        return cur.rowcount


def _drop_message_indexes(data: Path) -> None:
    """Drop the message table's secondary indexes (saved to rebuild after the copy, also
    after a crash: the saved list is kept until they are back)."""
    saved = data / "message_indexes.json"
    if not saved.exists():
        defs = _sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'inbox_message' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'inbox_message'::regclass)"
        )
        saved.write_text(json.dumps(defs))
    for name, _ in json.loads(saved.read_text()):
        _sql(f"DROP INDEX IF EXISTS {name}")


def _build_message_indexes(data: Path) -> None:
    saved = data / "message_indexes.json"
    if not saved.exists():
        return
    _sql("SET maintenance_work_mem = '1GB'")
    for name, definition in json.loads(saved.read_text()):
        t0 = time.monotonic()
        _sql(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        log(f"index {name} {time.monotonic() - t0:.0f}s")
    saved.unlink()


def grow(world: str, ws: int, target: int) -> None:
    """Add epochs of history until the workspace holds `target` messages."""
    from django.db import connection, transaction

    base = _one("SELECT value FROM bench_growth WHERE key = 'base'")
    if isinstance(base, str):
        base = json.loads(base)
    per_epoch = base["messages"]
    done = _messages(ws) // per_epoch - 1
    wanted = target // per_epoch - 1
    if wanted <= done:
        log(f"already {_messages(ws):,} messages")
        _build_message_indexes(DATA[world])
        return
    data = DATA[world]
    _sql("SET session_replication_role = replica")  # no FK triggers: consistent by design
    _drop_message_indexes(data)
    _sql("DROP TABLE IF EXISTS bench_growth_messages")
    _sql(
        "CREATE UNLOGGED TABLE bench_growth_messages AS SELECT * FROM inbox_message "
        "WHERE workspace_id = %s ORDER BY created_at LIMIT %s",
        [ws, per_epoch],
    )
    for k in range(done + 1, wanted + 1):
        t0 = time.monotonic()
        with transaction.atomic():
            if world == "inbox":
                _inbox_epoch(ws, base, k)
            else:
                _dashboards_epoch(ws, base, k)
        log(f"epoch {k}: {time.monotonic() - t0:.0f}s, {_messages(ws):,} messages")
    _sql("DROP TABLE bench_growth_messages")
    _sql("SET session_replication_role = origin")
    _build_message_indexes(data)
    with connection.cursor() as cur:  # the sequences past the copied ids
        for table in _id_tables(world):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",
                [table],
            )
    if world == "dashboards":  # the copied status events are not news to the roll-up
        _sql(
            "UPDATE dashboards_rollupstate SET status_event_watermark = "
            "(SELECT coalesce(max(id), 0) FROM inbox_messagestatusevent) WHERE workspace_id = %s",
            [ws],
        )
    log("vacuum analyze")
    vacuum_analyze()


def _id_tables(world: str) -> list[str]:
    tables = ["inbox_contact", "inbox_contactidentity", "inbox_conversation"]
    if world == "dashboards":
        tables += ["inbox_consent"]
    return tables


def _moved(alias: str, v0: int) -> str:
    """SQL: the original conversation `alias` gets new conversations for its copies."""
    return f"({alias} - {v0}) % {MOVE_EVERY} <> 0"


def _copy_people_and_conversations(ws: int, base: dict, k: int) -> tuple[int, int]:
    """New contacts (with a new phone number) and resolved conversations for the copies of
    the moved conversations; returns the conversation and contact id offsets."""
    v0, v1 = base["conversations"]
    c0, c1 = base["contacts"]
    vspan, cspan = (v1 - v0 + 1) * 1, (c1 - c0 + 1)
    voff, coff = k * vspan, k * cspan
    shift = k * EPOCH_DAYS
    moved_contacts = (
        f"id IN (SELECT contact_id FROM inbox_conversation WHERE workspace_id = {ws} "
        f"AND id BETWEEN {v0} AND {v1} AND {_moved('id', v0)})"
    )
    copy_rows("inbox_contact", moved_contacts, shift, {"id": f"id + {coff}"})
    ispan = _one(
        "SELECT coalesce(max(id) - min(id) + 1, 0) FROM inbox_contactidentity "
        "WHERE contact_id BETWEEN %s AND %s",
        [c0, c1],
    )
    copy_rows(
        "inbox_contactidentity",
        f"contact_id BETWEEN {c0} AND {c1} AND "
        + moved_contacts.replace("id IN", "contact_id IN", 1),
        shift,
        {
            "id": f"id + {k * ispan}",
            "contact_id": f"contact_id + {coff}",
            "value": f"'+1' || {555 + k} || substr(value, 6)",
        },
    )
    copy_rows(
        "inbox_conversation",
        f"workspace_id = {ws} AND id BETWEEN {v0} AND {v1} AND {_moved('id', v0)}",
        shift,
        {
            "id": f"id + {voff}",
            "contact_id": f"contact_id + {coff}",
            "status": "'resolved'",
            "waiting_since": "NULL",
            "snoozed_until": "NULL",
            "resolved_at": (
                f"coalesce(resolved_at, last_message_at, created_at) - interval '{shift} days'"
            ),
        },
    )
    return voff, coff


def _message_conversation(v0: int, voff: int) -> str:
    return (
        f"CASE WHEN {_moved('conversation_id', v0)} THEN conversation_id + {voff} "
        "ELSE conversation_id END"
    )


def _inbox_epoch(ws: int, base: dict, k: int) -> None:
    v0, v1 = base["conversations"]
    voff, _ = _copy_people_and_conversations(ws, base, k)
    shift = k * EPOCH_DAYS
    copy_rows(
        "inbox_message",
        "true",
        shift,
        {"id": "gen_random_uuid()", "conversation_id": _message_conversation(v0, voff)},
        source="bench_growth_messages",
    )
    moved = f"conversation_id BETWEEN {v0} AND {v1} AND {_moved('conversation_id', v0)}"
    copy_rows(
        "inbox_conversation_labels",
        moved,
        shift,
        {"id": None, "conversation_id": f"conversation_id + {voff}"},
    )
    copy_rows(
        "inbox_readmarker",
        moved,
        shift,
        {"id": None, "conversation_id": f"conversation_id + {voff}"},
    )


def _new_message_id(column: str, k: int) -> str:
    """The copy's id of message `column` in epoch k: the same for the message and its
    status events and samples, without a mapping table."""
    return f"md5({column}::text || '/{k}')::uuid"


def _dashboards_epoch(ws: int, base: dict, k: int) -> None:
    v0, v1 = base["conversations"]
    voff, _ = _copy_people_and_conversations(ws, base, k)
    shift = k * EPOCH_DAYS
    conv = _message_conversation(v0, voff)
    copy_rows(
        "inbox_message",
        "true",
        shift,
        {
            "id": _new_message_id("id", k),
            "conversation_id": conv,
            "provider_message_id": f"provider_message_id || '/{k}'",
        },
        source="bench_growth_messages",
    )
    copy_rows(
        "inbox_messagestatusevent",
        "message_id IN (SELECT id FROM bench_growth_messages)",
        shift,
        {"id": None, "message_id": _new_message_id("message_id", k)},
    )
    max_ids = base["max_ids"]

    def original(table: str) -> str:
        return f"workspace_id = {ws} AND id <= {max_ids[table]}"

    for table in (
        "dashboards_conversationstatusevent",
        "dashboards_agentconversation",
        "dashboards_resolutionsample",
    ):
        copy_rows(table, original(table), shift, {"id": None, "conversation_id": conv})
    copy_rows(
        "dashboards_responsesample",
        original("dashboards_responsesample"),
        shift,
        {
            "id": None,
            "conversation_id": conv,
            "response_message_id": _new_message_id("response_message_id", k),
        },
    )
    # Roll-up counters of the shifted days: copies of the first load's rows.
    for table in (
        "dashboards_hourlymessagestats",
        "dashboards_hourlychannelstats",
        "dashboards_reasoncount",
    ):
        copy_rows(table, original(table), shift, {"id": None})
    consent_span = _one("SELECT coalesce(max(id) - min(id) + 1, 0) FROM inbox_consent")
    copy_rows(
        "inbox_consent",
        f"workspace_id = {ws} AND address LIKE '+1555%%'",
        shift,
        {"id": f"id + {k * consent_span}", "address": f"'+1' || {555 + k} || substr(address, 6)"},
    )
    copy_rows(
        "dashboards_consentevent",
        f"workspace_id = {ws} AND consent_id IN "
        f"(SELECT id FROM inbox_consent WHERE address LIKE '+1555%%')",
        shift,
        {"id": None, "consent_id": f"consent_id + {k * consent_span}"},
    )


# --- measuring ---------------------------------------------------------------------------


def _server_niceness() -> int:
    """The embedded PostgreSQL's nice value: a server a niced `load` started (and left
    running) would time every query at the lowest priority."""
    pid_file = _data_dir() / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return 0
    return os.getpriority(os.PRIO_PROCESS, int(pid_file.read_text().split()[0]))


def _data_dir() -> Path:
    return Path(os.environ["INBOX_DATA_DIR"])


def measure(args: argparse.Namespace) -> None:
    from bench.machine import describe
    from inbox.models import Workspace

    if _server_niceness() > 0:
        sys.exit(
            f"the PostgreSQL under {_data_dir()} runs niced (a load left it): stop it "
            "(pg_ctl stop) and measure again"
        )

    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)  # the code's indexes, if new
    machine = describe()  # the load average before this run adds its own
    ws = Workspace.objects.get(slug=SLUG)
    n = _messages(ws.pk)
    rows = measure_inbox(args) if args.world == "inbox" else measure_dashboards(args, ws)
    out = {"machine": machine, "messages": n, "rows": rows, "load_end": describe()["load"]}
    out["unquoted"] = True  # search terms as typed
    out["conversations"] = _one(
        "SELECT count(*) FROM inbox_conversation WHERE workspace_id = %s", [ws.pk]
    )
    FIGURES.mkdir(parents=True, exist_ok=True)
    only = f"-{args.only}" if args.only else ""  # a partial run keeps the full one
    path = FIGURES / f"{args.world}{only}-{n}.json"
    path.write_text(json.dumps(out, indent=2))
    log(f"wrote {path}")


def measure_inbox(args: argparse.Namespace) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.inbox import percentile, targets, time_requests

    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{SLUG}-agent1"))
    rows = []
    for name, urls, target in targets():
        if target is None or not name.startswith(args.only):
            continue
        per_url: dict[str, list[float]] = {}
        timings = time_requests(client, urls, args.iterations, args.warmup, per_url)
        p95 = percentile(timings, 95)
        rows.append({"target": name, "p50": statistics.median(timings), "p95": p95, "goal": target})
        log(f"{name:40s} p50 {statistics.median(timings):6.1f}  p95 {p95:6.1f}")
        if len(urls) > 1:
            for url, values in per_url.items():
                term = unquote_plus(url.split("q=", 1)[1].split("&", 1)[0])
                rows.append(
                    {
                        "target": f"  search term `{term}`",
                        "p50": statistics.median(values),
                        "p95": percentile(values, 95),
                        "goal": None,
                    }
                )
    return rows


def measure_dashboards(args: argparse.Namespace, ws) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.inbox import percentile, time_requests
    from dashboards import rollup

    rollup.run_workspace(ws)  # the periodic pass (today + yesterday), then its dead rows
    vacuum_analyze(
        [
            "dashboards_hourlymessagestats",
            "dashboards_hourlychannelstats",
            "dashboards_reasoncount",
            "dashboards_agentconversation",
            "dashboards_responsesample",
            "dashboards_resolutionsample",
        ]
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    rows = []
    for name, url in (
        ("dashboards page (30 days)", f"/w/{SLUG}/dashboards/"),
        ("dashboards now tiles", f"/w/{SLUG}/dashboards/now/"),
    ):
        times = time_requests(client, [url], args.requests, warmup=3)
        p95 = percentile(times, 95)
        goal = DASHBOARD_TARGET_MS if "page" in name else None
        rows.append({"target": name, "p50": statistics.median(times), "p95": p95, "goal": goal})
        log(f"{name:40s} p50 {statistics.median(times):6.1f}  p95 {p95:6.1f}")
    return rows


# --- report ------------------------------------------------------------------------------


def report(args: argparse.Namespace) -> None:
    lines = [
        SECTION,
        "",
        "Produced by `bench/history_growth.py` (method in bench/README.md): the same pages "
        "timed at 1M messages and after growing the same database to 10M by adding older "
        "history; p95 over 200 requests per target (inbox; 40 for the dashboards) through "
        "Django's test Client in-process, server time, one request at a time.",
        "",
    ]
    table = [
        "| target | p95 ms at 1M | p95 ms at 10M | ratio | target p95 | target met at 10M |"
        " ratio <= 1.25 |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    notes = []
    for world in ("inbox", "dashboards"):
        small = FIGURES / f"{world}-{args.small}.json"
        large = FIGURES / f"{world}-{args.large}.json"
        if not (small.exists() and large.exists()):
            notes.append(f"- {world}: not measured at both sizes")
            continue
        a, b = json.loads(small.read_text()), json.loads(large.read_text())
        for fig in (a, b):  # figures written before terms were unquoted
            for r in fig["rows"]:
                if r["target"].startswith("  search term `") and "unquoted" not in fig:
                    r["target"] = f"  search term `{unquote_plus(r['target'].split('`')[1])}`"
        for run, fig in (("1M", a), ("10M", b)):
            m = fig["machine"]
            notes.append(
                f"- {world} at {run} ({fig['messages']:,} messages, "
                f"{fig['conversations']:,} conversations): {m['cpu']}, {m['cores']} cores, "
                f"{m['ram']}; commit {m['commit']}; {m['date']}; load average at start "
                f"{m['load']}, at end {fig['load_end']}"
            )
        large_rows = {r["target"]: r for r in b["rows"]}
        for r in a["rows"]:
            other = large_rows.get(r["target"])
            if other is None:
                continue
            ratio = other["p95"] / r["p95"]
            goal = r["goal"]
            met = "" if goal is None else ("yes" if other["p95"] <= goal else "**no**")
            grows = "yes" if ratio <= RATIO_LIMIT else "**no**"
            table.append(
                f"| {r['target']} | {r['p95']:.1f} | {other['p95']:.1f} | {ratio:.2f} | "
                f"{'' if goal is None else f'<= {goal:.0f}'} | {met} | {grows} |"
            )
    lines += notes + [""] + table
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        path = BASE_DIR / "bench" / "RESULTS.md"
        body = path.read_text()
        if SECTION in body:
            start = body.index(SECTION)
            nxt = body.find("\n## ", start + len(SECTION))
            body = body[:start] + text + "\n" + (body[nxt:] if nxt != -1 else "")
            path.write_text(body)
        else:
            from bench.results_file import write_section

            write_section(path, text)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.command == "report":
        report(args)
        return
    setup_django(args.world)
    if args.command == "load":
        load(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
