"""SIGKILL a Celery worker at random points of delivery (issue 21).

Replies are queued in waves to RBM and SMS sandboxes behind a real uvicorn; a random
moment into each wave (fixed seed) the worker is killed with SIGKILL, wherever it is:
before a claim, after it, during the provider call, after the answer, before the commit.
A new worker starts and beat's sweep (run here) re-requests what was queued and settles
what the dead worker left `sending` with the provider (inbox/services/outbox/reconcile.py).

Every message must end sent, or failed with a reason; none may reach an RBM phone twice;
an SMS sent twice is counted (the issue allows only unreconcilable in-flight calls; with
the Messages-list lookup there should be none)."""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from collections import Counter

import pytest

from channels_rcs.sandbox import store as rbm_store
from channels_sms import sandbox as sms_sandbox
from inbox import services
from inbox.models import Message
from tests.support import processes

from .harness import (
    SEED,
    Sweeps,
    outcomes,
    rbm_deliveries,
    rcs_customers,
    report,
    size,
    sms_customers,
)

pytestmark = [pytest.mark.chaos, pytest.mark.worker, pytest.mark.timeout(size(170, 3600))]

SMS_NUMBER = "+14155550190"


def test_sigkill_a_worker_at_random_points_of_delivery(
    asgi_server, chaos_settings, workspace, rcs_channel, transactional_db
):
    rng = random.Random(SEED)
    total, kills, customers = size(120, 2000), size(4, 100), size(10, 20)
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="SMS",
        config=sms_sandbox.channel_config(SMS_NUMBER, mps=20),
    )
    account = sms.config["account_sid"]
    agent = rcs_channel.config["agent_id"]
    # Each provider call takes 100 ms and SMS leaves at 16 a second (20 with headroom),
    # so a wave's delivery spans about a second: a kill can land anywhere in it.
    sms_sandbox.set_controls(account, callbacks="off", latency_ms=100)
    rbm_store.set_controls(agent, events="off", latency_ms=100)
    conversations = sms_customers(sms, customers) + rcs_customers(rcs_channel, customers)

    env = processes.child_env(PUBLIC_BASE_URL=chaos_settings.PUBLIC_BASE_URL)
    worker = processes.start_worker(env, name="chaos")
    ids, texts, caught_sending, kill_delays = [], {}, 0, []
    landed: Counter = Counter()  # where in its wave's delivery each kill landed
    sweeps = Sweeps()
    started = time.monotonic()
    try:
        per_wave = total // kills
        for wave in range(kills):
            wave_ids = []
            for n in range(per_wave):
                conversation = conversations[(wave * per_wave + n) % len(conversations)]
                text = f"chaos {wave}.{n} {uuid.uuid4().hex[:8]}"
                message = services.send_message(conversation, {"type": "text", "text": text})
                wave_ids.append(message.pk)
                texts[message.pk] = text
            ids += wave_ids
            delay = rng.uniform(0.05, 0.9)
            kill_delays.append(round(delay, 3))
            time.sleep(delay)  # a random moment into this wave's delivery
            os.killpg(worker.pid, signal.SIGKILL)
            worker.popen.wait()
            at_kill = Counter(
                Message.objects.filter(pk__in=wave_ids).values_list("status", flat=True)
            )
            caught_sending += at_kill["sending"]
            landed[_landed(at_kill, len(wave_ids))] += 1
            worker.stop()
            worker = processes.start_worker(env, name="chaos")
            sweeps.run()  # beat's sweep, as it runs every minute
        sweeps.settle_all(ids, timeout=size(120, 900))
    finally:
        worker.stop()
        sms_sandbox.reset(account)

    rows = {m.pk: m for m in Message.objects.filter(pk__in=ids).select_related("channel")}
    rbm_seen = rbm_deliveries([c for c in conversations if c.channel_id == rcs_channel.pk], agent)
    sms_seen = sms_sandbox_bodies(conversations, sms.pk)
    rbm_ids = [pk for pk, m in rows.items() if m.channel_id == rcs_channel.pk]
    sms_ids = [pk for pk, m in rows.items() if m.channel_id == sms.pk]
    rbm_twice = sum(1 for pk in rbm_ids if rbm_seen[str(pk)] > 1)
    sms_twice = sum(1 for pk in sms_ids if sms_seen[texts[pk]] > 1)
    sms_lost = sum(1 for pk in sms_ids if rows[pk].status == "sent" and sms_seen[texts[pk]] == 0)
    rbm_lost = sum(1 for pk in rbm_ids if rows[pk].status == "sent" and rbm_seen[str(pk)] == 0)
    figures = report(
        "worker_sigkill",
        {
            "messages": len(ids),
            "rbm_messages": len(rbm_ids),
            "sms_messages": len(sms_ids),
            "kills": kills,
            "kill_delays_seconds": kill_delays,
            "kills_landed": dict(landed),
            "messages_sending_at_a_kill": caught_sending,
            "sweep": dict(sweeps.totals),
            **outcomes(ids),
            "rbm_sent_twice": rbm_twice,
            "sms_sent_twice": sms_twice,
            "sent_but_not_at_provider": rbm_lost + sms_lost,
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    assert set(figures["statuses"]) <= {"sent", "failed"}
    assert all(rows[pk].error_message for pk in ids if rows[pk].status == "failed")
    assert rbm_twice == 0
    assert sms_twice == 0
    assert rbm_lost + sms_lost == 0


def sms_sandbox_bodies(conversations, channel_id: int):
    from .harness import sms_deliveries

    return sms_deliveries([c for c in conversations if c.channel_id == channel_id])


def _landed(at_kill: Counter, wave: int) -> str:
    """Where a kill landed in its wave: before any send, during, or after all."""
    if at_kill["queued"] == wave:
        return "before_any_claim"
    if at_kill["sending"]:
        return "during_sends (rows claimed, answers not recorded)"
    if at_kill["queued"]:
        return "between_sends (some sent, some still queued)"
    return "after_the_wave"
