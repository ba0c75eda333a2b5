"""`make bench-dashboards`: the dashboards page for 30 days over 1,000,000 messages.

Loads 90 days of history (1M messages, their status events, 50k conversations, and the
dashboards' own change history: every resolution, reopenings, opt-outs) with PostgreSQL
COPY into its own data directory (.data/bench-dash, embedded PostgreSQL and Redis
started automatically when DATABASE_URL is unset; reused when present), builds the
roll-ups once, times one incremental roll-up pass (what the periodic task does every
minute), then renders /w/bench/dashboards/ for the last 30 days through Django's full
request stack in this process and reports server time per request (p50 / p95). Writes a
section into bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("INBOX_DATA_DIR", str(BASE_DIR / ".data" / "bench-dash"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DB_POOL", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.inbox_data.bulk_copy import Copier  # noqa: E402
from bench.machine import describe  # noqa: E402
from dashboards import rollup  # noqa: E402
from dashboards.models import ConsentEvent, ConversationStatusEvent  # noqa: E402
from inbox.models import (  # noqa: E402
    Channel,
    Consent,
    Contact,
    Conversation,
    Membership,
    Message,
    MessageStatusEvent,
    Team,
    Workspace,
)

SLUG = "bench"
DAYS = 90
CARD = {
    "type": "card",
    "card": {"title": "Offer", "suggestions": [{"type": "reply", "text": "Yes"}]},
}
CHIPS = {"type": "text", "text": "Pick one", "suggestions": [{"type": "reply", "text": "Yes"}]}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--conversations", type=int, default=50_000)
    p.add_argument("--agents", type=int, default=20)
    p.add_argument("--requests", type=int, default=40, help="timed page renders")
    p.add_argument("--reload", action="store_true", help="drop and load the history again")
    p.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    return p.parse_args()


def _copy(model, columns: list[str], rows) -> None:
    """COPY through bench.inbox_data's Copier, which fills the columns this loader does
    not name (added to the models since) with their defaults."""
    Copier(model, columns).copy(rows)


def load(args) -> Workspace:
    """Everything a real installation would hold, written straight to the tables."""
    rng = random.Random(42)
    ws = Workspace.objects.create(slug=SLUG, name="Bench", timezone="America/New_York")
    User = get_user_model()
    manager = User.objects.create_user(username="bench-manager", password="pw-bench-manager")
    Membership.objects.create(workspace=ws, user=manager, role="manager")
    teams = [Team.objects.create(workspace=ws, name=f"Team {i}") for i in range(4)]
    agents = []
    for i in range(args.agents):
        user = User.objects.create_user(username=f"agent{i}", password="x")
        Membership.objects.create(workspace=ws, user=user, role="agent")
        teams[i % 4].members.add(user)
        agents.append(user.pk)
    sms = Channel.objects.create(
        workspace=ws,
        kind="sms",
        name="SMS",
        config={"account_sid": "AC" + "0" * 32, "from_number": "+15005550006"},
    )
    rcs = Channel.objects.create(workspace=ws, kind="rcs", name="RCS", fallback=sms)
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS)
    t0 = time.monotonic()
    first_contact = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _copy(
        Contact,
        ["workspace_id", "name", "email", "attributes", "created_at"],
        ((ws.pk, f"Customer {i}", "", {}, start) for i in range(args.conversations)),
    )
    contact_ids = list(
        Contact.objects.filter(workspace=ws, pk__gt=first_contact).values_list("pk", flat=True)
    )
    conv_meta = []
    rows = []
    for i, contact_id in enumerate(contact_ids):
        channel = rcs.pk if i % 2 else sms.pk
        agent = agents[i % len(agents)]
        team = teams[(i % len(agents)) % 4].pk
        opened = start + dt.timedelta(seconds=rng.uniform(0, DAYS * 86400 * 0.95))
        resolved = opened + dt.timedelta(hours=rng.uniform(0.5, 72))
        is_resolved = resolved < now and rng.random() < 0.8
        conv_meta.append((channel, agent, opened))
        rows.append(
            (
                ws.pk, contact_id, channel, "resolved" if is_resolved else "open", agent, team,
                None, opened, None, "", None, None, resolved if is_resolved else None, opened,
            )
        )  # fmt: skip
    _copy(
        Conversation,
        [
            "workspace_id", "contact_id", "channel_id", "status", "assignee_id", "team_id",
            "snoozed_until", "last_message_at", "last_inbound_at", "last_message_preview",
            "waiting_since", "first_response_at", "resolved_at", "created_at",
        ],
        rows,
    )  # fmt: skip
    conv_ids = list(
        Conversation.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True)
    )
    per_conv = args.messages // len(conv_ids)
    events: list[tuple] = []

    def messages():
        made = 0
        for conv_id, (channel, agent, opened) in zip(conv_ids, conv_meta, strict=True):
            at = opened
            for k in range(per_conv if conv_id != conv_ids[-1] else args.messages - made):
                inbound = k % 2 == 0
                at = at + dt.timedelta(minutes=rng.expovariate(1 / 20))
                if at >= now:
                    at = now - dt.timedelta(seconds=rng.uniform(1, 3600))
                mid = uuid.uuid4()
                made += 1
                if inbound:
                    content = (
                        {"type": "suggestion_response", "text": "Yes", "postback": "yes"}
                        if rng.random() < 0.1
                        else {"type": "text", "text": "Hello, where is my order?"}
                    )
                    yield (
                        mid, ws.pk, conv_id, channel, "inbound", "contact", None,
                        content, content["text"], "received", f"in-{mid}", None, "",
                        None, "", "", 0, at, None, None, None, None, None, None,
                    )  # fmt: skip
                    continue
                roll = rng.random()
                plain = {"type": "text", "text": "Your order ships today. " * rng.randint(1, 8)}
                content = CARD if channel == rcs.pk and roll < 0.3 else (
                    CHIPS if roll < 0.5 else plain
                )  # fmt: skip
                text = content.get("text") or "Offer"
                use_channel, fb_from, fb_reason = channel, None, ""
                if channel == rcs.pk and rng.random() < 0.1:
                    use_channel, fb_from, fb_reason = sms.pk, rcs.pk, "recipient not RCS capable"
                fate = rng.random()
                sent = at + dt.timedelta(seconds=1)
                delivered = sent + dt.timedelta(seconds=3) if fate < 0.9 else None
                read = (
                    delivered + dt.timedelta(minutes=2)
                    if delivered and use_channel == rcs.pk and fate < 0.6
                    else None
                )
                failed = at + dt.timedelta(seconds=2) if fate > 0.96 else None
                status = (
                    "failed" if failed else "read" if read else "delivered" if delivered else "sent"
                )
                events.append((mid, "queued", at))
                for name, when in (
                    ("sent", sent if not failed else None),
                    ("delivered", delivered),
                    ("read", read),
                    ("failed", failed),
                ):
                    if when is not None:
                        events.append((mid, name, when))
                author = "agent" if rng.random() < 0.9 else "bot"
                yield (
                    mid, ws.pk, conv_id, use_channel, "outbound", author, agent,
                    content, text, status, f"out-{mid}", fb_from, fb_reason, None,
                    "30007" if failed else "", "Carrier violation" if failed else "", 1, at, at, at,
                    None if failed else sent, None if failed else delivered, read, failed,
                )  # fmt: skip

    _copy(
        Message,
        [
            "id", "workspace_id", "conversation_id", "channel_id", "direction", "author",
            "author_user_id", "content", "text", "status", "provider_message_id",
            "fallback_from_id", "fallback_reason", "expires_at", "error_code", "error_message",
            "attempts", "created_at", "queued_at", "sending_at", "sent_at", "delivered_at",
            "read_at", "failed_at",
        ],
        messages(),
    )  # fmt: skip
    _copy(
        MessageStatusEvent,
        ["message_id", "status", "at", "error_code", "error_message", "source", "applied", "raw"],
        ((m, s, at, "", "", "worker", True, {}) for m, s, at in events),
    )
    print(
        f"loaded {args.messages} messages, {len(events)} status events, "
        f"{len(conv_ids)} conversations in {time.monotonic() - t0:.0f}s",
        flush=True,
    )
    load_change_history(ws, sms)
    return ws


def load_change_history(ws: Workspace, sms: Channel) -> None:
    """The history the dashboards record from signals: every resolution, a reopening by
    the customer before the last resolution for 15% of conversations, and opt-outs (2% of
    customers, a third of them opting back in later)."""
    rng = random.Random(43)
    now = timezone.now()
    status_rows, ledger, optouts = [], [], []
    conversations = Conversation.objects.filter(workspace=ws).values_list(
        "pk", "channel_id", "team_id", "assignee_id", "created_at", "resolved_at"
    )
    for pk, channel, team, agent, opened, resolved in conversations.iterator(chunk_size=5000):
        end = resolved or now
        if rng.random() < 0.15:
            first = opened + (end - opened) * rng.uniform(0.2, 0.5)
            back = first + (end - opened) * rng.uniform(0.05, 0.3)
            status_rows.append((ws.pk, pk, channel, team, agent, "open", "resolved", agent, first))
            status_rows.append((ws.pk, pk, channel, team, agent, "resolved", "open", None, back))
        if resolved is not None:
            status_rows.append(
                (ws.pk, pk, channel, team, agent, "open", "resolved", agent, resolved)
            )
        if rng.random() < 0.02:
            out_at = opened + (now - opened) * rng.uniform(0, 0.9)
            back_in = out_at + (now - out_at) * rng.uniform(0.1, 0.9)
            ledger.append((pk, out_at, back_in if rng.random() < 1 / 3 else None))
    _copy(
        ConversationStatusEvent,
        [
            "workspace_id", "conversation_id", "channel_id", "team_id", "agent_id",
            "previous_status", "status", "actor_id", "at",
        ],
        status_rows,
    )  # fmt: skip
    _copy(
        Consent,
        ["workspace_id", "channel_id", "address", "opted_out", "keyword", "source", "changed_at"],
        (
            (ws.pk, sms.pk, f"+1555{pk:07d}", back is None, "STOP" if back is None else "START",
             "keyword", back or out)
            for pk, out, back in ledger
        ),
    )  # fmt: skip
    consent_ids = dict(Consent.objects.filter(workspace=ws).values_list("address", "pk"))
    for pk, out, back in ledger:
        cid = consent_ids[f"+1555{pk:07d}"]
        optouts.append((ws.pk, sms.pk, cid, True, "keyword", out))
        if back is not None:
            optouts.append((ws.pk, sms.pk, cid, False, "keyword", back))
    _copy(
        ConsentEvent,
        ["workspace_id", "channel_id", "consent_id", "opted_out", "source", "at"],
        optouts,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"loaded {len(status_rows)} conversation status events, {len(optouts)} consent events",
        flush=True,
    )


def rollup_models() -> list:
    from django.apps import apps

    return list(apps.get_app_config("dashboards").get_models())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args()
    machine = describe()  # the load average before this run adds its own
    call_command("migrate", verbosity=0)
    ws = Workspace.objects.filter(slug=SLUG).first()
    if ws is not None and (
        args.reload or Message.objects.filter(workspace=ws).count() != args.messages
    ):
        print("dropping the previous history", flush=True)
        # This database is the benchmark's own (.data/bench-dash): empty it wholesale.
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE inbox_workspace, auth_user CASCADE")
        ws = None
    if ws is None:
        ws = load(args)
    elif not ConversationStatusEvent.objects.filter(workspace=ws).exists():
        load_change_history(ws, Channel.objects.get(workspace=ws, name="SMS"))
    t0 = time.monotonic()
    days = rollup.rebuild(ws)
    rebuild_s = time.monotonic() - t0
    print(f"roll-up rebuilt: {days} days in {rebuild_s:.1f}s", flush=True)
    passes = []
    for _ in range(3):
        t0 = time.monotonic()
        rollup.run_workspace(ws)
        passes.append(time.monotonic() - t0)
    incremental_s = statistics.median(passes)
    print(f"incremental pass (today + yesterday): {incremental_s:.2f}s", flush=True)
    # The rebuild rewrote every roll-up row: let PostgreSQL do now what autovacuum does
    # within a minute on a live system, so the page is timed in the steady state rather
    # than against the rebuild's dead rows (2026-11-26, 2 busy cores: page p50 332 and
    # 424 ms in two runs without this, 171 ms with it).
    with connection.cursor() as cursor:
        for model in rollup_models():
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-manager"))
    from bench.inbox import time_requests

    url = f"/w/{SLUG}/dashboards/"
    times = time_requests(client, [url], args.requests, warmup=3)
    now_times = time_requests(client, [url + "now/"], args.requests, warmup=0)
    p50, p95 = pct(times, 0.5), pct(times, 0.95)
    result = {
        "p50": p50,
        "p95": p95,
        "now_p50": pct(now_times, 0.5),
        "now_p95": pct(now_times, 0.95),
        "rebuild_s": rebuild_s,
        "incremental_s": incremental_s,
        "events": MessageStatusEvent.objects.filter(message__workspace=ws).count(),
        "status_changes": ConversationStatusEvent.objects.filter(workspace=ws).count(),
        "consent_changes": ConsentEvent.objects.filter(workspace=ws).count(),
    }
    print(json.dumps(result), flush=True)
    if not args.no_write:
        write(args, result, machine)


def write(args, r: dict, m: dict) -> None:
    end_load = describe()["load"]
    met = "met" if r["p95"] <= 300 else "not met"
    section = f"""
## bench/dashboards, {m["date"]}

Machine: {m["cpu"]}, {m["cores"]} cores, {m["ram"]} RAM, Python {m["python"]}; commit {m["commit"]};
load average when it started {m["load"]}, when it ended {end_load}.
`make bench-dashboards` (bench/dashboards.py).

{args.messages:,} messages and {r["events"]:,} status events over 90 days (50% RCS / 50% SMS
conversations, {args.agents} agents, 4 teams), {r["status_changes"]:,} conversation status
changes (every resolution; 15% of conversations reopened by the customer once) and
{r["consent_changes"]:,} opt-out/opt-in events, loaded with COPY. The page
`/w/bench/dashboards/` for the last 30 days (default filters, time zone America/New_York),
all five sections, rendered {args.requests} times through Django's full request stack in
one process (server time: view, queries, templates; no network), after a `VACUUM ANALYZE`
of the roll-up tables the rebuild just rewrote (what autovacuum does on a live system):

| figure | value |
| --- | ---: |
| page p50 | {r["p50"]:.0f} ms |
| page p95 | **{r["p95"]:.0f} ms** (target <= 300 ms: {met}) |
| "now" tiles fragment p50 / p95 | {r["now_p50"]:.0f} / {r["now_p95"]:.0f} ms |
| roll-up from scratch (90 days) | {r["rebuild_s"]:.0f} s |
| roll-up of one average day (~11,000 messages), rebuild / 91 | {r["rebuild_s"] / 91:.2f} s |
| incremental pass here (today + yesterday, nearly empty) | {r["incremental_s"]:.2f} s |

Roll-ups are maintained by a periodic Celery task (`dashboards.tasks.roll_up`, beat every
`DASHBOARD_ROLLUP_SECONDS` = 60 s) that recomputes whole UTC days from the message and
status history into counters per local hour; figures are at most one period plus one pass
old. Reopenings and opt-outs are read from their event tables on each request. The "now"
tiles are live queries, refreshed over the websocket.
"""
    path = BASE_DIR / "bench" / "RESULTS.md"
    text = path.read_text()
    marker = "\n## bench/dashboards"
    if marker in text:  # replace the previous run's section where it stands
        head, _, rest = text.partition(marker)
        nxt = rest.find("\n## ")
        tail = rest[nxt:] if nxt >= 0 else ""
        path.write_text(head.rstrip("\n") + "\n" + section + tail)
    else:
        path.write_text(text.rstrip("\n") + "\n" + section)


if __name__ == "__main__":
    main()
