"""Publishing a campaign's progress frame at the end of its one-second window (the
throttle is inbox/realtime/campaign_progress.py), and touching it when the campaign
itself moves (a chunk expanded, launched, paused, finished).

A frame counts every message of the campaign (inbox/selectors/campaign_progress.py):
at 100,000 recipients that read costs ~0.1-0.2 s of database time mid-send (the rows
change under it, so the index-only scan visits the heap), and once a second that grew
with the campaign into a tenth of a core (bench/RESULTS.md, 2026-12-07 campaign). So the
frames of a campaign whose count is costly come further apart: reading keeps to about
READ_SHARE of the time, a frame at least every MAX_INTERVAL_SECONDS. A campaign that
reads in under READ_SHARE of a second is published every second, as before.
"""

from __future__ import annotations

import time

from django.db import transaction

from inbox import jobs, redis_client
from inbox.models import Campaign
from inbox.realtime import campaign_progress
from inbox.selectors.campaign_progress import campaign_progress as read_progress

READ_SHARE = 0.05
MAX_INTERVAL_SECONDS = 5.0


def rest_key(campaign_id: int) -> str:
    return f"campaign-progress-rest:{campaign_id}"


def publish_progress(campaign_id: int) -> None:
    """Close the window first, then read: a change committed before the read is in this
    frame, and one after it opens the next window. While the campaign rests (its last
    read was costly), the window is held open until the rest ends, and the frame goes
    out then: touches meanwhile cost nothing, and the last state still arrives."""
    client = redis_client.client()
    resting_ms = client.pttl(rest_key(campaign_id))
    if resting_ms > 0:
        client.set(campaign_progress.window_key(campaign_id), 1, px=resting_ms)
        jobs.enqueue(jobs.PUBLISH_CAMPAIGN_PROGRESS, campaign_id, countdown=resting_ms / 1000)
        return
    campaign_progress.close_window(campaign_id)
    started = time.monotonic()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return
    progress = read_progress(campaign)
    cost = time.monotonic() - started
    campaign_progress.send_progress(campaign_id, {"campaign_id": campaign_id, **progress.as_dict()})
    rest = min(cost / READ_SHARE, MAX_INTERVAL_SECONDS) - campaign_progress.WINDOW_SECONDS
    if rest > 0:
        client.set(rest_key(campaign_id), 1, px=int(rest * 1000))


def progress_changed(campaign_id: int) -> None:
    """The campaign moved (status, a chunk): a frame within a second, after commit."""
    transaction.on_commit(lambda: campaign_progress.touch(campaign_id))
