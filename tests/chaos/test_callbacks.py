"""Duplicate, reordered and late delivery reports at volume (issue 21).

Replies go out to the SMS sandbox (real uvicorn); the sandbox's status callbacks are then
posted over HTTP by several threads at once, each one twice and the final status before
"sent", and after everything has settled the "sent" reports come again, late. Every
message must end `delivered`: a duplicate is absorbed, an older status never moves a
message backwards, and every webhook is answered 2xx."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels_sms import sandbox as sms_sandbox
from channels_sms.sandbox import callbacks
from inbox import services
from inbox.models import InboundEvent, Message, MessageStatusEvent
from inbox.services.outbox.drain import drain
from tests.support.waiting import eventually

from .harness import outcomes, report, size, sms_customers

pytestmark = pytest.mark.chaos


def test_duplicate_reordered_and_late_callbacks_at_volume(
    asgi_server, chaos_settings, workspace, transactional_db
):
    total = size(200, 2000)
    sms = services.create_channel(
        workspace,
        kind="sms",
        name="SMS",
        config=sms_sandbox.channel_config("+14155550191", mps=1000),
    )
    account = sms.config["account_sid"]
    sms_sandbox.set_controls(account, callbacks="manual")
    conversations = sms_customers(sms, size(10, 20))
    ids = [
        services.send_message(
            conversations[n % len(conversations)],
            {"type": "text", "text": f"report {n} {uuid.uuid4().hex[:6]}"},
        ).pk
        for n in range(total)
    ]
    eventually(lambda: _drained(ids), timeout=120, what="every reply sent")
    sids = list(Message.objects.filter(pk__in=ids).values_list("provider_message_id", flat=True))
    assert all(sid.startswith("SM") for sid in sids)

    # delivered before sent, each twice, from 8 threads at once
    posts = [(sid, status) for sid in sids for status in ("delivered", "sent") for _ in range(2)]
    started = time.monotonic()
    answers: Counter = Counter()
    with ThreadPoolExecutor(8) as pool:
        for code in pool.map(lambda p: callbacks.post(*p), posts):
            answers[code] += 1
    _apply_all()
    # ... and the "sent" reports once more, late, after every message is delivered.
    with ThreadPoolExecutor(8) as pool:
        for code in pool.map(lambda sid: callbacks.post(sid, "sent"), sids):
            answers[code] += 1
    _apply_all()
    sms_sandbox.reset(account)

    events = MessageStatusEvent.objects.filter(message_id__in=ids, source="webhook")
    figures = report(
        "callbacks_duplicate_reordered_late",
        {
            "messages": total,
            "callbacks_posted": len(posts) + len(sids),
            "webhook_answers": {str(k): v for k, v in answers.items()},
            "status_reports_recorded": events.count(),
            "status_reports_applied": events.filter(applied=True).count(),
            **outcomes(ids),
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    assert figures["statuses"] == {"delivered": total}
    assert set(answers) == {200}
    # each message moved to delivered once; duplicates and late "sent" changed nothing
    assert events.filter(applied=True, status="delivered").count() == total


def _drained(ids) -> bool:
    """Drain in this process too, then ask whether any is still on its way. (Returning
    drain()'s count instead stopped the wait at the first batch this process sent, with
    the rest still queued, whenever the session's worker had not taken them all.)"""
    drain()
    return not _left(ids)


def _left(ids) -> int:
    return Message.objects.filter(pk__in=ids, status__in=("queued", "sending")).count()


def _apply_all() -> None:
    def nothing_pending():
        services.apply_pending()
        return not InboundEvent.objects.filter(
            applied_at__isnull=True, gave_up_at__isnull=True
        ).exists()

    eventually(nothing_pending, timeout=120, what="every callback applied")
