"""Live campaign progress: one small event per campaign per second at most, however many
messages change.

A change to a campaign (a chunk expanded, one of its messages moved on) calls `touch`
after commit. The first touch of a quiet campaign opens a one-second window (a Redis
`SET NX PX`, shared by every process) and requests one publication at its end; touches
inside the window cost nothing more. The publication clears the window before it reads
the counts, so every change committed before that read is in them and a change after it
opens the next window: the last state always arrives, one frame per second, not one per
message. A process also remembers a window it saw open, so touches during it skip Redis.

Events go to `campaign-<id>`, a group only the campaign's workspace's managers and
admins may join (inbox/consumers.py); a page that missed frames (reconnect, sleep)
re-fetches its progress fragment from the database.
"""

from __future__ import annotations

import logging
import threading
import time

from channels.layers import get_channel_layer

from inbox import jobs, redis_client

from . import pump as pump_module

WINDOW_SECONDS = 1.0
# A window another process opened may close this much earlier than its TTL says (clock
# and ETA slack): local skips stop short of it by this margin.
MARGIN_SECONDS = 0.2
_open_until: dict[int, float] = {}  # campaign id -> monotonic end of a window seen open
_lock = threading.Lock()

log = logging.getLogger(__name__)


def campaign_group(campaign_id: int) -> str:
    return f"campaign-{campaign_id}"


def window_key(campaign_id: int) -> str:
    return f"campaign-progress:{campaign_id}"


def touch(campaign_id: int) -> None:
    """Something about the campaign changed (and committed): publish within a second.

    Runs after a commit: while Redis is unreachable the frame is skipped (logged), never
    raised into the change that committed; the page re-reads the counts when its socket
    comes back."""
    now = time.monotonic()
    with _lock:
        if _open_until.get(campaign_id, 0.0) > now:
            return
    try:
        remaining = _open_window(campaign_id)
    except redis_client.UNAVAILABLE:
        log.warning("redis unavailable: campaign %s progress frame skipped", campaign_id)
        return
    with _lock:
        _open_until[campaign_id] = now + remaining - MARGIN_SECONDS
        if len(_open_until) > 1000:  # finished campaigns: drop the stale entries
            for pk in [pk for pk, until in _open_until.items() if until <= now]:
                _open_until.pop(pk, None)


def _open_window(campaign_id: int) -> float:
    """Seconds until the frame for `campaign_id` goes out, opening its window if none is."""
    client = redis_client.client()
    opened = client.set(window_key(campaign_id), 1, nx=True, px=int(WINDOW_SECONDS * 1000))
    if opened:
        jobs.enqueue(jobs.PUBLISH_CAMPAIGN_PROGRESS, campaign_id, countdown=WINDOW_SECONDS)
        return WINDOW_SECONDS
    return max(0.0, client.pttl(window_key(campaign_id)) / 1000)


def close_window(campaign_id: int) -> None:
    """The publication's first step: the next touch opens a new window. (Another
    process's memory of the window ends MARGIN_SECONDS before the publication is due.)"""
    with _lock:
        _open_until.pop(campaign_id, None)
    redis_client.client().delete(window_key(campaign_id))


def send_progress(campaign_id: int, payload: dict) -> None:
    """The frame itself, at once (the publication runs outside any transaction)."""
    if get_channel_layer() is None:
        return
    event = {"type": "inbox.event", "event": "campaign.progress", **payload}
    pump_module.pump.send(campaign_group(campaign_id), event)  # re-made after a fork
