"""The provider answers 500 and 429 for a while, then holds its answers past the
client's timeout, then recovers (issue 21).

Replies to RBM and SMS sandboxes (real uvicorn), delivered by a real Celery worker. For
the window every call is refused (SMS: 500 for the first half, 429 with Retry-After for
the second; RBM: 500 and 429 alternating). Then, for a while, both providers take every
call but answer only after the worker's client has given up (PROVIDER_TIMEOUT_SECONDS),
and fresh replies are sent into that: the provider has the message, the worker does not
know. Then the providers answer again. Everything must be delivered, nobody may give
up, nothing may be sent twice (RBM: the retry repeats the messageId; SMS: the call that
timed out is looked up in the Messages list by the sweep, not resent), each message's
retries back off (no retry storm: the calls refused during the window are counted), and
the SMS sender stays within its rate once the backlog drains."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from email.utils import parsedate_to_datetime

import pytest
from django.db.models import Max, Sum

from channels_rcs.sandbox import store as rbm_store
from channels_sms import sandbox as sms_sandbox
from channels_sms.sandbox import store as sms_store
from inbox import services
from inbox.models import Message
from tests.support import processes

from .harness import (
    Sweeps,
    outcomes,
    rbm_deliveries,
    rcs_customers,
    report,
    size,
    sms_customers,
    sms_deliveries,
)

pytestmark = [pytest.mark.chaos, pytest.mark.worker, pytest.mark.timeout(size(170, 1200))]

MPS = 10
REFUSALS = 100_000
CLIENT_TIMEOUT = 2  # the worker's PROVIDER_TIMEOUT_SECONDS here (15 by default)
HELD_MS = 3_000  # the providers' answers while they hang: past the client's timeout


def test_provider_500_429_then_recovery(
    asgi_server, chaos_settings, workspace, rcs_channel, transactional_db
):
    total, window, hang = size(60, 600), size(6, 30), size(6, 20)
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="SMS",
        config=sms_sandbox.channel_config("+14155550192", mps=MPS),
    )
    account, agent = sms.config["account_sid"], rcs_channel.config["agent_id"]
    sms_sandbox.set_controls(account, callbacks="off", retry_after=1)
    rbm_store.set_controls(agent, events="off")
    conversations = sms_customers(sms, 5) + rcs_customers(rcs_channel, 5)

    env = processes.child_env(
        PUBLIC_BASE_URL=chaos_settings.PUBLIC_BASE_URL,
        PROVIDER_TIMEOUT_SECONDS=str(CLIENT_TIMEOUT),
    )
    worker = processes.start_worker(env, name="outage")
    sweeps = Sweeps()
    try:
        # The outage starts: every call refused until it ends.
        sms_store.fail_next(account, "500", REFUSALS)
        rbm_errors = [{"status": 500}, {"status": 429}] * (REFUSALS // 2)
        rbm_store.push_errors(agent, rbm_errors[:20_000])
        started = time.monotonic()
        ids = [
            services.send_message(
                conversations[n % len(conversations)],
                {"type": "text", "text": f"outage {n} {uuid.uuid4().hex[:6]}"},
            ).pk
            for n in range(total)
        ]
        time.sleep(window / 2)
        sms_refused_500 = REFUSALS - sms_store.pending_failures(account)["500"]
        sms_store.fail_next(account, "500", 0)
        sms_store.fail_next(account, "429", REFUSALS)
        time.sleep(window / 2)
        sms_refused_429 = REFUSALS - sms_store.pending_failures(account)["429"]
        sms_store.fail_next(account, "429", 0)
        rbm_refused = 20_000 - len(rbm_store.pending_errors(agent))
        rbm_store.reset(agent)
        # The providers take every call now, but answer after the client gave up.
        rbm_store.set_controls(agent, events="off", latency_ms=HELD_MS)
        sms_sandbox.set_controls(account, latency_ms=HELD_MS)
        held = [
            services.send_message(
                conversations[n % len(conversations)],
                {"type": "text", "text": f"outage held {n} {uuid.uuid4().hex[:6]}"},
            ).pk
            for n in range(len(conversations))
        ]
        ids += held
        time.sleep(hang)
        rbm_store.set_controls(agent, latency_ms=0)
        sms_sandbox.set_controls(account, latency_ms=0)
        recovered = time.monotonic()
        sweeps.settle_all(ids, timeout=size(120, 600))
        drained = time.monotonic()
    finally:
        worker.stop()
        sms_sandbox.reset(account)

    rows = Message.objects.filter(pk__in=ids)
    attempts = rows.aggregate(total=Sum("attempts"), most=Max("attempts"))
    bodies = {m.content["text"] for m in rows}
    per_second = _sms_sends_per_second(sms, conversations, bodies)
    sms_twice = sum(1 for body, n in sms_deliveries(conversations).items() if n > 1)
    rbm_twice = sum(1 for n in rbm_deliveries(conversations, agent).values() if n > 1)
    figures = report(
        "provider_outage",
        {
            "messages": len(ids),
            "outage_seconds": window,
            "held_answers_seconds": hang,
            "client_timeout_seconds": CLIENT_TIMEOUT,
            "sent_while_answers_were_held": len(held),
            "refused_calls": {
                "sms_500": sms_refused_500,
                "sms_429": sms_refused_429,
                "rbm_500_or_429": rbm_refused,
            },
            "refused_calls_per_message": round(
                (sms_refused_500 + sms_refused_429 + rbm_refused) / total, 2
            ),
            "attempts_total": attempts["total"],
            "attempts_most_for_one_message": attempts["most"],
            "seconds_to_drain_after_recovery": round(drained - recovered, 1),
            "sms_rate_limit_per_second": MPS,
            "sms_busiest_second": max(per_second.values(), default=0),
            "sweep": dict(sweeps.totals),
            "sent_twice": {"sms": sms_twice, "rbm": rbm_twice},
            **outcomes(ids),
            "seconds": round(drained - started, 1),
        },
    )
    assert figures["statuses"] == {"sent": len(ids)}
    assert attempts["most"] < chaos_settings.OUTBOX_MAX_ATTEMPTS  # nobody gave up
    # The sandbox stamps each arrival to the second (however long it then holds the
    # answer), on the same cores as the worker: its own jitter can put one second's last
    # send into the next. Late calls are given back, never sent late (send.py). A retry storm
    # would show many times the rate; a sender within it shows at most a send or two more.
    assert figures["sms_busiest_second"] <= MPS + 2
    assert sms_twice == rbm_twice == 0
    # The SMS calls that timed out were settled by looking them up, not by sending again.
    assert sweeps.totals["reconciled_found"] >= 1, dict(sweeps.totals)


def _sms_sends_per_second(channel, conversations, bodies: set[str]) -> Counter:
    """How many of this run's messages (`bodies`: the sandbox's handsets keep earlier
    runs' too) the sandbox accepted from the sender in each second."""
    seconds: Counter = Counter()
    for conversation in conversations:
        if conversation.channel_id != channel.pk:
            continue
        phone = conversation.contact.identities.first().value
        for m in sms_sandbox.handset_messages(phone):
            if m.get("from") == channel.config["from_number"] and m.get("body") in bodies:
                seconds[parsedate_to_datetime(m["date_created"]).timestamp()] += 1
    return seconds
