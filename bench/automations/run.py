"""What 200 enabled automation rules add to applying an inbound message (issue 16's
target: <= 2 ms at p99).

In one process, against its own embedded PostgreSQL and Redis (.data/bench-automations,
unless DATABASE_URL / REDIS_URL are set), two workspaces with an SMS channel each: one
without rules (the control) and one with 200 enabled rules (keywords in Spanish and
English, chip postbacks exact and by prefix, one "new conversation" and one "out of
hours" rule, so every message of that workspace is a candidate and asks for the task).
Inbound messages are applied the way the worker applies them (`inbox.services.ingest`,
outside a transaction, so the after-commit signals and every receiver run inside the
timed call), alternating between the two workspaces so drift hits both alike. The mix:
20% keywords that match, 10% chip taps, 70% text no keyword matches.

Reported: p50 / p99 of applying a message in each workspace, the difference (what the
rules add), and the automations receiver timed alone on the same messages. The run
writes a section into bench/RESULTS.md unless --no-write. The `run_automations` tasks it
asks for are left in the broker of this throwaway Redis: no worker runs here.

    flock /tmp/bench.lock .venv/bin/python -m bench.automations.run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("INBOX_DATA_DIR", str(BASE_DIR / ".data" / "bench-automations"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DB_POOL", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from automations import receivers, rule_cache  # noqa: E402
from automations.models import AutomationRule  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.results_file import write_section  # noqa: E402
from inbox.adapters import InboundMessage  # noqa: E402
from inbox.models import Channel, Message, MessageTemplate, Workspace  # noqa: E402
from inbox.services import ingest  # noqa: E402

WORDS = [
    "saldo", "pagar", "agente", "factura", "horario", "tienda", "pedido", "envio", "devolucion",
    "tarjeta", "balance", "invoice", "refund", "delivery", "order", "store", "hours", "agent",
    "ramo", "rosas", "cita", "reserva", "cancelar reserva", "cambiar cita", "precio", "oferta",
]  # fmt: skip
FILLER = [
    "hola buenas tardes", "gracias por todo", "tengo una pregunta sobre mi cuenta",
    "necesito ayuda con algo", "ok perfecto", "a que hora llega el repartidor hoy",
    "hello there", "thanks a lot", "can you check something for me please",
]  # fmt: skip


def workspace_with_channel(name: str) -> tuple[Workspace, Channel]:
    # A new workspace each run (earlier runs' are kept: their messages protect them).
    workspace = Workspace.objects.create(slug=f"{name}-{uuid.uuid4().hex[:6]}", name=name)
    channel = Channel.objects.create(
        workspace=workspace, kind="sms", name="SMS", config={"phone_number": "+15550000001"}
    )
    return workspace, channel


def make_rules(workspace: Workspace, count: int) -> None:
    template = MessageTemplate.objects.create(
        workspace=workspace, name="Reply", content={"type": "text", "text": "Hola"}, sms_text="Hola"
    )
    reply = [{"type": "reply", "template_id": template.pk}]
    rows = [
        AutomationRule(workspace=workspace, name="new", position=0, trigger="new_conversation",
                       actions=reply),
        AutomationRule(workspace=workspace, name="closed", position=1, trigger="out_of_hours",
                       actions=reply),
    ]  # fmt: skip
    rng = random.Random(16)
    for n in range(2, count):
        if n % 10 < 7:  # 70% keyword rules, one to three phrases each
            phrases = rng.sample(WORDS, rng.randint(1, 3)) + [f"palabra{n}"]
            rows.append(AutomationRule(workspace=workspace, name=f"kw{n}", position=n,
                                       trigger="keyword", trigger_value="\n".join(phrases),
                                       actions=reply))  # fmt: skip
        else:  # 30% postbacks, a third of them by prefix
            rows.append(AutomationRule(workspace=workspace, name=f"pb{n}", position=n,
                                       trigger="postback", trigger_value=f"PB_{n}",
                                       match_prefix=n % 3 == 0, actions=reply))  # fmt: skip
    AutomationRule.objects.bulk_create(rows)
    rule_cache.clear()


def content_for(rng: random.Random, n: int) -> dict:
    roll = rng.random()
    if roll < 0.2:
        word = rng.choice(WORDS)
        return {"type": "text", "text": f"Hola, quiero saber mi {word.upper()} por favor"}
    if roll < 0.3:
        return {
            "type": "suggestion_response",
            "text": "Pagar",
            "postback": f"PB_{rng.randrange(2, 200)}",
        }
    return {"type": "text", "text": f"{rng.choice(FILLER)} {n}"}


def apply_one(channel: Channel, content: dict, sender: str) -> tuple[float, Message]:
    event = InboundMessage(
        provider_message_id=f"SM{uuid.uuid4().hex}",
        sender=sender,
        recipient="+15550000001",
        content=content,
        text=str(content.get("text", "")),
    )
    started = time.perf_counter()
    (message,) = ingest(channel, [event])
    return (time.perf_counter() - started) * 1000, message


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000, help="timed per workspace")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    call_command("migrate", verbosity=0)
    _bare, bare_channel = workspace_with_channel("bench-automations-none")
    ruled, ruled_channel = workspace_with_channel("bench-automations-200")
    make_rules(ruled, args.rules)
    assert AutomationRule.objects.filter(workspace=ruled, is_enabled=True).count() == args.rules

    rng = random.Random(7)
    times: dict[str, list[float]] = {"none": [], "rules": []}
    ruled_messages: list[Message] = []
    for n in range(args.warmup + args.messages):
        content = content_for(rng, n)
        sender = f"+1415555{rng.randrange(args.senders):04d}"
        for key, channel in (("none", bare_channel), ("rules", ruled_channel)):
            elapsed, message = apply_one(channel, content, sender)
            if n >= args.warmup:
                times[key].append(elapsed)
                if key == "rules":
                    ruled_messages.append(message)

    receiver_ms: list[float] = []
    match_ms: list[float] = []
    enqueued = 0
    for message in ruled_messages:
        started = time.perf_counter()
        receivers.on_message_changed(sender=Message, message=message, created=True)
        receiver_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        candidates = rule_cache.rules_for(message.workspace_id).candidates(
            message.content, message.text, channel_id=message.channel_id
        )
        match_ms.append((time.perf_counter() - started) * 1000)
        enqueued += bool(candidates)

    none50, none99 = pct(times["none"], 50), pct(times["none"], 99)
    rules50, rules99 = pct(times["rules"], 50), pct(times["rules"], 99)
    recv50, recv99 = pct(receiver_ms, 50), pct(receiver_ms, 99)
    match50, match99 = pct(match_ms, 50), pct(match_ms, 99)
    machine = describe()
    lines = [
        f"## {machine['date']}: automations, {args.rules} enabled rules "
        "(`bench/automations/run.py`)",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"{machine['os']}; Python {machine['python']}; commit {machine['commit']}",
        "- Load average when the run started: "
        + " / ".join(f"{v:.1f}" for v in load_before)
        + " (1 / 5 / 15 min; other engineers' work shared the machine)",
        f"- {args.messages:,} inbound messages applied per workspace after {args.warmup} "
        f"warm-up, alternating between a workspace without rules and one with {args.rules}; "
        f"{args.senders} senders; 20% matching keywords, 10% chip taps, 70% other text; "
        f"{enqueued:,} of {len(ruled_messages):,} asked for the task (the two structural "
        "rules make every message a candidate)",
        "",
        "| measure | p50 ms | p99 ms |",
        "| --- | ---: | ---: |",
        f"| apply an inbound message, no rules | {none50:.2f} | {none99:.2f} |",
        f"| apply an inbound message, {args.rules} rules | {rules50:.2f} | {rules99:.2f} |",
        f"| added by the rules (difference) | {rules50 - none50:.2f} | {rules99 - none99:.2f} |",
        f"| the automations receiver alone (match + hand-off) | {recv50:.3f} | {recv99:.3f} |",
        f"| of which matching the {args.rules} rules | {match50:.3f} | {match99:.3f} |",
        "",
        f"Target: <= 2 ms added at p99. Result: "
        f"{'met' if max(rules99 - none99, recv99) <= 2.0 else 'NOT met'}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        write_section(BASE_DIR / "bench" / "RESULTS.md", text)


if __name__ == "__main__":
    main()
