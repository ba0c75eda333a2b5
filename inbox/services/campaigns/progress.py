"""Publishing a campaign's progress frame at the end of its one-second window (the
throttle is inbox/realtime/campaign_progress.py), and touching it when the campaign
itself moves (a chunk expanded, launched, paused, finished)."""

from __future__ import annotations

from django.db import transaction

from inbox.models import Campaign
from inbox.realtime import campaign_progress
from inbox.selectors.campaign_progress import campaign_progress as read_progress


def publish_progress(campaign_id: int) -> None:
    """Close the window first, then read: a change committed before the read is in this
    frame, and one after it opens the next window."""
    campaign_progress.close_window(campaign_id)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return
    progress = read_progress(campaign)
    campaign_progress.send_progress(campaign_id, {"campaign_id": campaign_id, **progress.as_dict()})


def progress_changed(campaign_id: int) -> None:
    """The campaign moved (status, a chunk): a frame within a second, after commit."""
    transaction.on_commit(lambda: campaign_progress.touch(campaign_id))
