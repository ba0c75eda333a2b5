"""The funnel as the API, the campaign page and its CSV present it: one dict, one shape.

Keys: "stats" (overall), "by_channel" {"rcs", "sms"} (each recipient under the channel
its message finally went out on), "rates" (each step as a share of the recipients),
"median_reply_seconds", "excluded_by_reason", "experiment" (None without a control
arm) and "as_of". The counts in "stats", each channel and each arm share the same keys.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from inbox.models import Campaign

from .campaign_funnel import CHANNELS, Funnel, campaign_funnel
from .campaign_funnel_lift import Experiment, campaign_experiment


def report_of(funnel: Funnel, experiment: Experiment | None) -> dict:
    return {
        "stats": funnel.overall.as_dict(),
        "by_channel": {kind: funnel.by_channel[kind].as_dict() for kind in CHANNELS},
        "rates": {
            "overall": funnel.overall.rates(),
            **{kind: funnel.by_channel[kind].rates() for kind in CHANNELS},
        },
        "median_reply_seconds": {
            "overall": funnel.overall.median_reply_seconds,
            **{kind: funnel.by_channel[kind].median_reply_seconds for kind in CHANNELS},
        },
        "excluded_by_reason": funnel.excluded_by_reason,
        "experiment": experiment.as_dict() if experiment else None,
    }


def _cache_key(campaign: Campaign) -> str:
    # created_at too: a test database that starts its ids again never meets old figures;
    # the language: the verdicts are words in the reader's language.
    stamp = f"{campaign.created_at.timestamp():.6f}"
    return f"campaign-funnel:{campaign.pk}:{stamp}:{translation.get_language()}"


def funnel_report(campaign: Campaign) -> dict:
    """The report, with "as_of" (when it was computed). A campaign of at least
    CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS rows is computed at most every
    CAMPAIGN_FUNNEL_CACHE_SECONDS (one pass over 100,000 recipients costs ~150 ms of
    database CPU, bench/campaign/funnel_page.py: affordable on a miss, but a page that
    managers keep open need not pay it on every load); smaller campaigns are always
    computed live."""
    key = _cache_key(campaign)
    cached = cache.get(key)
    if cached is not None:
        return cached
    funnel = campaign_funnel(campaign)
    report = {**report_of(funnel, campaign_experiment(funnel)), "as_of": timezone.now()}
    size = funnel.overall.recipients + funnel.overall.excluded
    if size >= settings.CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS:
        cache.set(key, report, settings.CAMPAIGN_FUNNEL_CACHE_SECONDS)
    return report
