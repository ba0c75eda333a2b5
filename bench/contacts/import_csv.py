"""CSV contact import: 100,000 rows through the real import service and Celery job (issue
14's target: >= 5,000 rows/s on 2 cores, from file upload to completed).

Writes a 100,000-row CSV shaped like a CRM export (semicolons, a BOM, national and
international numbers of four countries, name, email, one or two labels, a consent
column, three typed attributes, and one invalid row in a hundred), starts one Celery
worker (threads pool, as `make run` does) against this benchmark's embedded PostgreSQL
and Redis (.data/bench-import, unless DATABASE_URL is set), then times, per pass, from
`create_import` (the upload: checked and stored) through `start_import` (the task
requested) until the import row says `completed`. Pass 1 creates every contact, pass 2
imports the same file again (every row an update). Each run uses a new workspace, so
earlier runs never turn creates into updates. Appends the figures to bench/RESULTS.md
unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("INBOX_DATA_DIR", str(BASE_DIR / ".data" / "bench-import"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.machine import describe, machine_busy, tree_cpu  # noqa: E402
from inbox.models import Contact, ContactImport, Workspace  # noqa: E402
from inbox.services import create_channel  # noqa: E402
from inbox.services.contact_import import setup  # noqa: E402
from scripts.processes import Child  # noqa: E402
from workspace_settings.models import ContactAttributeDefinition  # noqa: E402

TARGET = 5000
SENDER = "+15550001111"
INVALID_EVERY = 100
LABELS = ["vip", "newsletter", "lead", "customer", "churn-risk", "b2b", "b2c", "es", "mx", "us"]
CITIES = ["Madrid", "Sevilla", "CDMX", "Guadalajara", "London", "Austin", "Bilbao"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker threads")
    parser.add_argument("--no-write", action="store_true", help="print only")
    return parser.parse_args()


def _phone(n: int) -> str:
    """Distinct numbers in the forms people keep them: national (default country ES)
    and international, Spanish, Mexican, British and US."""
    kind = n % 4
    if kind == 0:
        return f"6{n:08d}"[:9]  # Spanish mobile, national
    if kind == 1:
        return f"+52 55 {n // 10000 % 10000:04d} {n % 10000:04d}"
    if kind == 2:
        return f"+44 7400 {n % 1000000:06d}"
    return f"+1 (415) {200 + n // 10000 % 800:03d}-{n % 10000:04d}"


def write_file(path: Path, rows: int) -> int:
    """The CSV; returns how many rows are invalid (rejected by design)."""
    rnd = random.Random(14)
    invalid = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("Teléfono;Nombre;Email;Etiquetas;Consent;city;signup;score\r\n")
        for n in range(rows):
            phone = _phone(n)
            if n % INVALID_EVERY == INVALID_EVERY - 1:
                phone, invalid = "12-34", invalid + 1
            labels = "|".join(rnd.sample(LABELS, rnd.choice((1, 2))))
            consent = "yes" if rnd.random() < 0.8 else ""
            out.write(
                f"{phone};Cliente {n};cliente{n}@example.com;{labels};{consent};"
                f"{rnd.choice(CITIES)};2024-{1 + n % 12:02d}-{1 + n % 28:02d};{n % 1000}\r\n"
            )
    return invalid


def make_workspace() -> Workspace:
    slug = f"bench-import-{int(time.time())}"
    workspace = Workspace.objects.create(slug=slug, name=slug)
    # Consent rows are kept per channel: one SMS channel (nothing is sent; the credentials
    # are never used) makes the consent column cost what it costs in a real workspace.
    config = {"account_sid": "AC" + "0" * 32, "auth_token": "unused", "from_number": SENDER}
    create_channel(workspace, kind="sms", name="SMS", config=config)
    for key, kind in [("city", "text"), ("signup", "date"), ("score", "number")]:
        ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
    return workspace


def start_worker(concurrency: int) -> Child:
    logs = Path(os.environ["INBOX_DATA_DIR"]) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "threads",
        "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-heartbeat",
        "--without-mingle", "--without-gossip", "-n", "benchimport@%h",
    ]  # fmt: skip
    child = Child("worker", argv, dict(os.environ), logs)
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not child.alive():
            raise SystemExit(f"worker exited:\n{child.tail()}")
        replies = app.control.ping(timeout=1.0) or []
        if any(name.startswith("benchimport@") for reply in replies for name in reply):
            return child
    raise SystemExit("the Celery worker did not answer a ping")


def one_pass(workspace: Workspace, path: Path, worker: Child) -> dict:
    cpu_before, busy_before = tree_cpu([worker.pid]), machine_busy()
    started = time.perf_counter()
    with path.open("rb") as binary:
        contact_import = setup.create_import(
            workspace=workspace, upload=File(binary, name=path.name)
        )
    setup.start_import(
        contact_import=contact_import, mapping=contact_import.mapping, default_country="ES"
    )
    while True:
        row = ContactImport.objects.get(pk=contact_import.pk)
        if row.finished:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    worker_cpu = sum(tree_cpu([worker.pid]).values()) - sum(cpu_before.values())
    return {
        "status": row.status,
        "rows": row.processed,
        "created": row.created_count,
        "updated": row.updated_count,
        "rejected": row.rejected_count,
        "seconds": elapsed,
        "job_seconds": (row.finished_at - row.started_at).total_seconds(),
        "rate": row.processed / elapsed,
        "worker_cpu": worker_cpu / elapsed,
        "machine_cpu": (machine_busy() - busy_before) / elapsed,
    }


def main() -> None:
    args = parse_args()
    call_command("migrate", "--noinput", verbosity=0)
    data = Path(os.environ["INBOX_DATA_DIR"])
    path = data / f"contacts-{args.rows}.csv"
    invalid = write_file(path, args.rows)
    size_mb = path.stat().st_size / 1e6
    machine = describe()
    workspace = make_workspace()
    worker = start_worker(args.concurrency)
    try:
        passes = [one_pass(workspace, path, worker) for _name in ("create", "update")]
    finally:
        worker.stop()
    contacts = Contact.objects.filter(workspace=workspace).count()
    expected = args.rows - invalid
    ok = all(p["status"] == "completed" and p["rejected"] == invalid for p in passes)
    ok = ok and contacts == expected and passes[0]["created"] == expected
    ok = ok and passes[1]["updated"] == expected
    lines = [
        f"## {machine['date']}: CSV contact import, {args.rows:,} rows",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"{machine['os']}; Python {machine['python']}; commit {machine['commit']}",
        f"- Load average when the run started: {machine['load']}",
        f"- File: {size_mb:.1f} MB, semicolons, BOM; {invalid:,} invalid rows by design; "
        f"1 Celery worker, threads pool, concurrency {args.concurrency}; "
        "`.venv/bin/python bench/contacts/import_csv.py`",
        "",
        "| pass | rows/s | seconds (upload to completed) | job seconds | created | updated "
        "| rejected | CPU cores: worker / whole machine |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, p in zip(("new contacts", "same file again (updates)"), passes, strict=True):
        lines.append(
            f"| {name} | {p['rate']:,.0f} | {p['seconds']:.1f} | {p['job_seconds']:.1f} "
            f"| {p['created']:,} | {p['updated']:,} | {p['rejected']:,} "
            f"| {p['worker_cpu']:.2f} / {p['machine_cpu']:.2f} |"
        )
    verdict = "met" if min(p["rate"] for p in passes) >= TARGET else "NOT met"
    lines += [
        "",
        f"Target >= {TARGET:,} rows/s on 2 cores: **{verdict}**. Checks: "
        f"{'passed' if ok else 'FAILED'} ({contacts:,} contacts for {expected:,} valid "
        "rows, every invalid row rejected, the second pass all updates).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        with (BASE_DIR / "bench" / "RESULTS.md").open("a") as results:
            results.write("\n" + text)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
