"""The contacts list and a segment count at 1,000,000 contacts (issue 14's targets:
p95 <= 100 ms for the list, <= 500 ms for a segment count with an attribute condition, a
label and consent).

Loads one workspace of 1M contacts (a phone identity each, typed attributes, labels on
10% and 30%, 2% opted out, RCS reachability for half) with INSERT ... SELECT over
generate_series inside PostgreSQL, into its own data directory (.data/bench-contacts,
embedded PostgreSQL and Redis when DATABASE_URL is unset; the load is reused when
present), then times, in this process through Django's full request stack:
the contacts page (first page, a filtered page, a page deep in the list by cursor) and
the live segment count. Writes a section into bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("INBOX_DATA_DIR", str(BASE_DIR / ".data" / "bench-contacts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DB_POOL", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.machine import describe  # noqa: E402
from bench.results_file import write_section  # noqa: E402
from inbox.models import Channel, Contact, Label, Membership, Role, Workspace  # noqa: E402
from inbox.selectors.contact_filter import parse_filter  # noqa: E402
from inbox.selectors.contact_list import contact_count  # noqa: E402
from workspace_settings.models import ContactAttributeDefinition  # noqa: E402

SLUG = "bench-contacts"
SEGMENT = {
    "labels": ["vip"],
    "attributes": [{"key": "balance", "op": "gt", "value": 0}],
    "consent": "not_opted_out",
}


def load(total: int) -> Workspace:
    existing = Workspace.objects.filter(slug=SLUG).first()
    if existing and Contact.objects.filter(workspace=existing).count() == total:
        return existing
    Workspace.objects.filter(slug=SLUG).delete()
    started = time.perf_counter()
    with transaction.atomic():
        workspace = Workspace.objects.create(slug=SLUG, name="Bench contacts")
        channel = Channel.objects.create(
            workspace=workspace, kind="sms", name="SMS", config={"sender": "+15550000001"}
        )
        for key, kind in (("balance", "number"), ("due_date", "date"), ("plan", "text")):
            ContactAttributeDefinition.objects.create(
                workspace=workspace, key=key, label=key, type=kind
            )
        vip = Label.objects.create(workspace=workspace, name="vip")
        late = Label.objects.create(workspace=workspace, name="late")
        ws, ch = workspace.pk, channel.pk
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO inbox_contact
                    (workspace_id, name, email, attributes, country, created_at)
                SELECT %s, 'Customer ' || g, 'c' || g || '@example.com',
                       jsonb_build_object(
                         'balance', (g %% 200) - 100,
                         'due_date', to_char(current_date + (g %% 90) - 30, 'YYYY-MM-DD'),
                         'plan', (ARRAY['gold','silver','bronze'])[1 + g %% 3]),
                       (ARRAY['ES','MX','GB','US'])[1 + g %% 4],
                       now() - make_interval(secs => %s - g)
                FROM generate_series(1, %s) AS g
                """,
                [ws, total, total],
            )
            cur.execute(
                """
                INSERT INTO inbox_contactidentity
                    (workspace_id, contact_id, kind, value, created_at)
                SELECT %s, id, 'phone', '+3460' || lpad(id::text, 7, '0'), created_at
                FROM inbox_contact WHERE workspace_id = %s
                """,
                [ws, ws],
            )
            cur.execute(
                """
                INSERT INTO inbox_contact_labels (contact_id, label_id)
                SELECT id, %s FROM inbox_contact WHERE workspace_id = %s AND id %% 10 = 0
                UNION ALL
                SELECT id, %s FROM inbox_contact WHERE workspace_id = %s AND id %% 10 IN (1, 2, 3)
                """,
                [vip.pk, ws, late.pk, ws],
            )
            cur.execute(
                """
                INSERT INTO inbox_consent (workspace_id, channel_id, address, opted_out, keyword,
                                           source, changed_at)
                SELECT %s, %s, value, true, 'STOP', 'keyword', now()
                FROM inbox_contactidentity WHERE workspace_id = %s AND contact_id %% 50 = 0
                """,
                [ws, ch, ws],
            )
            cur.execute(
                """
                INSERT INTO inbox_contactreachability
                    (contact_id, channel_id, reachable, checked_at)
                SELECT id, %s, id %% 4 = 0, now() FROM inbox_contact
                WHERE workspace_id = %s AND id %% 2 = 0
                """,
                [ch, ws],
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"loaded {total} contacts in {time.perf_counter() - started:.0f}s", flush=True)
    return workspace


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    workspace = load(args.contacts)
    user, _ = get_user_model().objects.get_or_create(username="bench-contacts-agent")
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": Role.AGENT})
    client = Client()
    client.force_login(user)
    url = f"/w/{SLUG}/contacts/"
    deep = Contact.objects.filter(workspace=workspace).order_by("created_at", "pk")[1000]
    from inbox.selectors.cursor import contact_cursor

    cursor = contact_cursor(created_at=deep.created_at, pk=deep.pk)
    vip = Label.objects.get(workspace=workspace, name="vip").pk

    def page(params):
        def run():
            answer = client.get(url, params)
            assert answer.status_code == 200, answer.status_code

        return run

    segment = parse_filter(workspace=workspace, document=SEGMENT)
    expected = contact_count(workspace=workspace, contact_filter=segment)
    figures = [
        ("contacts page, first 50", *timed(page({}), args.runs)),
        ("contacts page, deep cursor", *timed(page({"cursor": cursor}), args.runs)),
        (
            "contacts page, label + balance > 0",
            *timed(page({"label": vip, "attr": "balance:gt:0"}), args.runs),
        ),
        (
            "segment count: vip + balance > 0 + not opted out",
            *timed(lambda: contact_count(workspace=workspace, contact_filter=segment), args.runs),
        ),
    ]
    machine = describe()
    lines = [
        f"## {machine['date']}: contacts list and segment count "
        "(`bench/contacts/list_and_segments.py`)",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"{machine['os']}; Python {machine['python']}; commit {machine['commit']}",
        "- Load average when the run started: "
        + " / ".join(f"{v:.1f}" for v in load_before)
        + " (1 / 5 / 15 min; other engineers' work shared the machine)",
        f"- {args.contacts:,} contacts in one workspace; {args.runs} timed runs each after one "
        f"warm-up, in process through Django's full request stack (pages) or the selector "
        f"(count); the segment matches {expected:,} contacts",
        "",
        "| measure | p50 ms | p95 ms | target p95 |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, p50, p95 in figures:
        target = "500" if name.startswith("segment") else "100"
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {target} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(BASE_DIR / "bench" / "RESULTS.md", text)


if __name__ == "__main__":
    main()
