"""PostgreSQL restarted mid-ingest (issue 21).

Signed SMS webhooks are posted to a real uvicorn, one after another, while the suite's
PostgreSQL is stopped (fast shutdown: every connection cut) and started again a moment
later. A webhook may only answer 2xx once its event is committed, so:

- every webhook answered 2xx has its event in the database;
- while PostgreSQL is down a webhook either waits for it (up to
  WEBHOOK_LANE_DB_WAIT_SECONDS) and is answered 2xx once committed, or answers 5xx (the
  provider retries it: here, the same signed request is posted again after the restart,
  as Twilio would); which of the two depends on how soon the pool reconnects;
- after the restart the same server answers 2xx again: its connection pool recovered
  without restarting the app;
- in the end every customer message is in the inbox exactly once."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from django.db import connection

from channels_sms import sandbox as sms_sandbox
from channels_sms.sandbox.inbound import inbound_params
from channels_sms.signature import HEADER, sign
from inbox import services
from inbox.models import InboundEvent, Message
from tests.support.waiting import eventually

from .harness import report, size

pytestmark = pytest.mark.chaos


def pg_ctl() -> str:
    from pgserver._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "pg_ctl")


def restart_postgres(pgdata: Path, down_seconds: float, events: dict) -> None:
    """Fast shutdown (connections cut mid-transaction), a pause, then the same server
    started again with the options it ran with (postmaster.opts)."""
    opts = shlex.split((pgdata / "postmaster.opts").read_text())
    args = opts[opts.index("-D") + 2 :]  # after the binary and -D <dir>
    # PostgreSQL refuses to run as root; pgserver runs it as the data directory's owner.
    owner = {"user": pgdata.stat().st_uid} if os.getuid() == 0 else {}
    subprocess.run(
        [pg_ctl(), "stop", "-D", str(pgdata), "-m", "fast", "-w"],
        check=True,
        capture_output=True,
        **owner,
    )
    events["down_at"] = time.monotonic()
    time.sleep(down_seconds)
    subprocess.run(
        [pg_ctl(), "start", "-D", str(pgdata), "-w", "-l", str(pgdata / "restart.log"),
         "-o", shlex.join(args)],
        check=True,
        capture_output=True,
        **owner,
    )  # fmt: skip
    events["up_at"] = time.monotonic()


def test_postgres_restarted_mid_ingest(asgi_server, chaos_settings, workspace, transactional_db):
    pgdata = Path(connection.settings_dict["OPTIONS"].get("host") or "")
    if not (pgdata / "postmaster.opts").exists():
        # Outside the project: with DATABASE_URL the server belongs to someone else, and
        # a test may not stop and restart it. CI and `make test` use the embedded one.
        pytest.skip(
            "DATABASE_URL names an external PostgreSQL server, which this test may not "
            "stop and restart; it runs on the embedded server (the default)"
        )
    total, down = size(120, 1200), size(2.0, 10.0)
    sms = services.create_channel(
        workspace, kind="sms", name="SMS", config=sms_sandbox.channel_config("+14155550193")
    )
    account, token = sms.config["account_sid"], sms.secrets["auth_token"]
    url = sms.adapter.webhook_urls(sms)["inbound"]
    posts = []
    for n in range(total):
        params = inbound_params(
            account_sid=account,
            from_number=f"+1415558{n % 40:04d}",
            to_number=sms.config["from_number"],
            body=f"pg restart {n} {uuid.uuid4().hex[:6]}",
            media=(),
        )
        posts.append((params, {HEADER: sign(token, url, params)}))
    answers: dict[str, list] = {}
    timeline: list[tuple[float, object]] = []
    sent: list[float] = []
    events: dict = {}
    restart = threading.Thread(target=restart_postgres, args=(pgdata, down, events))
    started = time.monotonic()
    with httpx.Client(timeout=30) as client:

        def post(params, headers):
            sent_at = time.monotonic()
            try:
                code = client.post(url, data=params, headers=headers).status_code
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            answers.setdefault(params["MessageSid"], []).append(code)
            timeline.append((time.monotonic(), code))
            sent.append(sent_at)
            return code

        for i, (params, headers) in enumerate(posts):
            if i == total // 4:
                restart.start()
                # The rest are posted once it is down: on a busy machine they could all
                # be answered before `pg_ctl stop` had even begun.
                eventually(lambda: "down_at" in events or not restart.is_alive(),
                           what="PostgreSQL stopped")  # fmt: skip
            post(params, headers)
        restart.join()
        # The embedded server's handle still knows the postmaster it started, which is
        # gone: it is shown the new one, or it would not stop it when the run ends.
        from config import embedded

        embedded._handles["postgres"].ensure_postgres_running()
        # This test process's own pooled connections died with the server too.
        connection.close()
        connection.close_pool()
        first = Counter(codes[0] for codes in answers.values())
        # The provider retries what was not answered 2xx, with the same signed request.
        retried = 0
        for params, headers in posts:
            if answers[params["MessageSid"]][-1] != 200:
                retried += 1
                eventually(lambda p=params, h=headers: post(p, h) == 200, what="a retry")
    ingested = time.monotonic()
    after_restart = Counter(str(code) for at, code in timeline if at > events["up_at"])
    acked = [sid for sid, codes in answers.items() if 200 in codes]
    committed = set(
        InboundEvent.objects.filter(
            channel=sms, dedupe_key__in=[f"message:{sid}" for sid in acked]
        ).values_list("dedupe_key", flat=True)
    )

    def all_applied():
        services.apply_pending()
        return Message.objects.filter(channel=sms, direction="inbound").count() >= total

    eventually(all_applied, timeout=120, what="every webhook's message in the inbox")
    in_inbox = Counter(
        Message.objects.filter(channel=sms, direction="inbound").values_list(
            "provider_message_id", flat=True
        )
    )
    sms_sandbox.reset(account)
    figures = report(
        "postgres_restart",
        {
            "webhooks": total,
            "postgres_down_seconds": round(events["up_at"] - events["down_at"], 1),
            "first_answers": {str(k): v for k, v in first.items()},
            "retried_by_the_provider": retried,
            "answers_after_postgres_was_back": dict(after_restart),
            "answered_2xx_but_not_committed": len(acked) - len(committed),
            "posted_while_down": sum(events["down_at"] <= t < events["up_at"] for t in sent),
            "messages_in_inbox": sum(in_inbox.values()),
            "messages_twice_in_inbox": sum(1 for n in in_inbox.values() if n > 1),
            "seconds": round(ingested - started, 1),
        },
    )
    assert figures["answered_2xx_but_not_committed"] == 0
    assert set(in_inbox) == set(answers) and figures["messages_twice_in_inbox"] == 0
    assert all(str(k).startswith(("2", "5")) for k in first)  # refused, never dropped
    assert figures["posted_while_down"] > 0  # the outage was met, not missed
    assert first[200] > 0 and answers[posts[-1][0]["MessageSid"]][-1] == 200
