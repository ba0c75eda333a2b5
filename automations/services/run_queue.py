"""The rules an inbound message may trigger, handed to a worker through a Redis stream.

The receiver runs for every applied inbound message, so what it adds must be small: a
Celery message per candidate message cost about 0.65 ms at p50 (kombu builds and
publishes a whole task message), where one pipelined round trip that appends to a
stream and sets the wake-up key costs about 0.14 ms. So the receiver appends
(message id, rule ids) to `automations:runs` and, only when no runner is awake (a
`SET NX`, as the inbound queue's kick does), asks for the `run_automations` task.

The runner reads the stream as a consumer group (XREADGROUP), runs each entry, then
acknowledges and deletes it. Nothing is lost to a crash: an entry read by a worker
that died is still pending in the group and is claimed again (XAUTOCLAIM) by the next
runner once idle for CLAIM_IDLE_MS; beat starts a runner every minute so that happens
even when no new message arrives. Running an entry twice is harmless: a rule runs at
most once per message (the unique run row, automations.services.running).
"""

from __future__ import annotations

import logging
import uuid

import redis

from inbox import jobs
from inbox.models import Message
from inbox.redis_client import text_client

from .running import run_for_message

log = logging.getLogger(__name__)

RUN_AUTOMATIONS = "automations.tasks.run_automations"
STREAM = "automations:runs"
GROUP = "runners"
KICK_KEY = "automations:kick"
KICK_SECONDS = 30  # a runner that died frees the key after this
CLAIM_IDLE_MS = 60_000  # an entry read this long ago and not acknowledged: its worker died
MAX_LENGTH = 1_000_000  # a bound on the stream if no worker runs at all (approximate)
BATCH = 50


def request_run(message: Message, rule_ids: list[int]) -> None:
    """Hand the candidates to a runner (the message has committed: nothing waits)."""
    pipe = text_client().pipeline(transaction=False)
    pipe.xadd(
        STREAM,
        {"m": str(message.pk), "r": ",".join(str(pk) for pk in rule_ids)},
        maxlen=MAX_LENGTH,
        approximate=True,
    )
    pipe.set(KICK_KEY, 1, nx=True, ex=KICK_SECONDS)
    _added, kicked = pipe.execute()
    if kicked:
        jobs.enqueue(RUN_AUTOMATIONS)


def _ensure_group(r: redis.Redis) -> None:
    try:
        r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _read(r: redis.Redis, consumer: str) -> list[tuple[str, dict]]:
    answer = r.xreadgroup(GROUP, consumer, {STREAM: ">"}, count=BATCH)
    return answer[0][1] if answer else []


def _run(r: redis.Redis, entries: list[tuple[str, dict]]) -> int:
    for entry_id, fields in entries:
        try:
            rule_ids = [int(pk) for pk in (fields.get("r") or "").split(",") if pk]
            run_for_message(fields.get("m", ""), rule_ids)
        except Exception:  # noqa: BLE001 - one bad entry never stops the others
            log.exception("automations: entry %s failed", entry_id)
        pipe = r.pipeline(transaction=False)
        pipe.xack(STREAM, GROUP, entry_id)
        pipe.xdel(STREAM, entry_id)
        pipe.execute()
    return len(entries)


def drain() -> int:
    """Run every waiting entry, then stand down (the task's body). The wake-up key is
    cleared only once the stream is empty, then the stream is read once more, so an
    entry added while the key was still set is never stranded."""
    r = text_client()
    _ensure_group(r)
    consumer = f"runner-{uuid.uuid4().hex[:12]}"
    ran = 0
    try:
        _next, claimed, *_deleted = r.xautoclaim(
            STREAM, GROUP, consumer, min_idle_time=CLAIM_IDLE_MS, start_id="0-0", count=BATCH
        )
        ran += _run(r, [e for e in claimed if e and e[1]])
        while True:
            entries = _read(r, consumer)
            if entries:
                ran += _run(r, entries)
                continue
            r.delete(KICK_KEY)
            late = _read(r, consumer)
            if not late:
                return ran
            ran += _run(r, late)
    finally:
        r.xgroup_delconsumer(STREAM, GROUP, consumer)  # its pending entries: none left
