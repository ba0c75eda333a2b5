"""What every chaos case shares: its size (CI or the issue's full size), customers on the
sandbox channels, waiting for the outbox to settle, counting duplicates at the provider,
and writing the case's figures for docs/RELIABILITY.md (tests/chaos/report.py).

The providers are the sandboxes served by a real uvicorn (asgi_server); workers are real
Celery processes; PostgreSQL and Redis are the suite's real servers."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from channels_rcs.sandbox import store as rbm_store
from channels_sms import sandbox as sms_sandbox
from inbox import services
from inbox.models import Conversation, Message
from tests.support.waiting import eventually

# CHAOS_FULL=1 (tests/chaos/report.py --full) runs the full size.
FULL = os.environ.get("CHAOS_FULL", "").lower() in {"1", "true", "yes"}
SEED = int(os.environ.get("CHAOS_SEED", "21"))


def size(ci: int, full: int) -> int:
    return full if FULL else ci


def results_dir() -> Path:
    path = Path(os.environ.get("CHAOS_RESULTS_DIR", settings.DATA_DIR / "chaos"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def report(case: str, figures: dict) -> dict:
    """Print the case's counts (pytest -s shows them) and keep them for the report."""
    figures = {
        "case": case,
        "full_size": FULL,
        "seed": SEED,
        **figures,
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_1min_at_end": round(os.getloadavg()[0], 1),
    }
    (results_dir() / f"{case}.json").write_text(json.dumps(figures, indent=2, default=str))
    print(f"\nchaos {case}: {json.dumps(figures, default=str)}")
    return figures


def sms_customers(channel, count: int) -> list[Conversation]:
    """`count` customers who texted the SMS channel (signed webhooks, applied here)."""
    numbers = [f"+1415556{n:04d}" for n in range(count)]
    for number in numbers:
        assert sms_sandbox.simulate_inbound(channel, number, "hi").status_code == 200
    return _conversations(numbers)


def rcs_customers(channel, count: int) -> list[Conversation]:
    """`count` RCS-capable customers (even last digit) who wrote to the agent."""
    from channels_rcs.sandbox import events

    numbers = [f"+1415557{2 * n:04d}" for n in range(count)]
    for number in numbers:
        status, _mid = events.simulate_user_message(channel, number, "hi")
        assert status == 200
    return _conversations(numbers)


def _conversations(numbers: list[str]) -> list[Conversation]:
    def all_applied():
        services.apply_pending()
        found = list(Conversation.objects.filter(contact__identities__value__in=numbers).distinct())
        return found if len(found) >= len(numbers) else None

    return eventually(all_applied, timeout=60, what="the customers' first messages")


def unsettled(ids) -> int:
    return Message.objects.filter(pk__in=ids, status__in=("queued", "sending")).count()


class Sweeps:
    """Beat's sweep, run from the test process; totals what it did across runs."""

    def __init__(self) -> None:
        self.totals: Counter = Counter()

    def run(self) -> None:
        result = services.requeue_stuck()
        self.totals["requeued_queued"] += result.get("requeued", 0)
        self.totals["unknown_outcome"] += result.get("unknown_outcome", 0)
        for verdict, count in (result.get("reconciled") or {}).items():
            self.totals[f"reconciled_{verdict}"] += count

    def settle_all(self, ids, *, timeout: float, every: float = 1.0) -> None:
        """Sweep until every message has left queued / sending."""
        deadline = time.monotonic() + timeout
        while unsettled(ids):
            if time.monotonic() > deadline:
                stuck = Counter(Message.objects.filter(pk__in=ids).values_list("status", flat=True))
                raise AssertionError(f"not settled within {timeout:.0f}s: {dict(stuck)}")
            self.run()
            time.sleep(every)


def outcomes(ids) -> dict:
    """Final statuses, and the failure reasons (first words) of the failed."""
    rows = Message.objects.filter(pk__in=ids)
    statuses = Counter(rows.values_list("status", flat=True))
    reasons = Counter(
        (m or "")[:60] for m in rows.filter(status="failed").values_list("error_message", flat=True)
    )
    return {"statuses": dict(statuses), "failure_reasons": dict(reasons)}


def rbm_deliveries(conversations, agent_id: str) -> Counter:
    """messageId -> how many times the sandbox (RBM) delivered it to a phone."""
    seen: Counter = Counter()
    for conversation in conversations:
        phone = conversation.contact.identities.first().value
        for entry in rbm_store.handset_log(phone):
            if entry.get("direction") == "outbound" and entry.get("agent_id") == agent_id:
                seen[entry.get("message_id")] += 1
    return seen


def sms_deliveries(conversations) -> Counter:
    """Body -> how many times the sandbox (Twilio) accepted it for a phone."""
    seen: Counter = Counter()
    for conversation in conversations:
        phone = conversation.contact.identities.first().value
        for message in sms_sandbox.handset_messages(phone):
            if str(message.get("direction", "")).startswith("outbound"):
                seen[message.get("body")] += 1
    return seen
