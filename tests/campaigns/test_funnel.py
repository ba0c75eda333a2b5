"""The funnel on a known history (tests/campaigns/funnel_history.py), every figure
counted by hand: overall, by the channel each message finally went out on, the control
arm's experiment with its lift, and the median time to the first reply."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.models import CampaignRecipient, CampaignReply
from inbox.selectors.campaign_funnel import (
    campaign_funnel,
    per_recipient_params,
    per_recipient_sql,
)
from inbox.selectors.campaign_funnel_lift import campaign_experiment
from inbox.selectors.campaign_funnel_report import funnel_report

from . import funnel_history

pytestmark = pytest.mark.django_db

KEYS = [
    "recipients", "excluded", "queued", "sent", "delivered", "read", "replied",
    "clicked", "converted", "failed", "opted_out", "fell_back",
]  # fmt: skip


def counts(*values):
    return dict(zip(KEYS, values, strict=True))


@pytest.fixture
def history(workspace, admin_user, rcs_channel, sms_channel, definitions):
    return funnel_history.build(workspace, admin_user, rcs_channel, sms_channel)


def test_the_arms_were_drawn_as_the_seed_says(history):
    arms = dict(
        CampaignRecipient.objects.filter(campaign=history.campaign).values_list("contact_id", "arm")
    )
    assert [arms[c.pk] for c in history.contacts] == [
        *funnel_history.WANTED_ARMS, "", "", "", "",
    ]  # fmt: skip
    # The control arm got the SMS version over the fallback, the treatment RCS.
    rows = CampaignRecipient.objects.filter(campaign=history.campaign).select_related(
        "message__channel"
    )
    kinds = {r.contact_id: r.message.channel.kind for r in rows if r.message}
    assert [kinds[c.pk] for c in history.contacts[:6]] == ["rcs"] * 4 + ["sms"] * 2


def test_overall_and_by_channel(history):
    report = funnel_report(history.campaign)
    #                      rcp exc que snt dlv rd rep clk cnv fail opt fb
    assert report["stats"] == counts(8, 2, 0, 7, 7, 3, 4, 4, 2, 1, 1, 1)
    assert report["by_channel"]["rcs"] == counts(5, 0, 0, 4, 4, 3, 3, 2, 2, 1, 0, 0)
    assert report["by_channel"]["sms"] == counts(3, 0, 0, 3, 3, 0, 1, 2, 0, 0, 1, 1)
    assert report["excluded_by_reason"] == {"opted_out": 1, "missing_value": 1}
    assert report["rates"]["overall"]["replied"] == 4 / 8
    assert report["rates"]["rcs"]["replied"] == 3 / 5
    assert report["rates"]["sms"]["replied"] == 1 / 3
    # First replies 30 min, 1 h, 2 h, 3 h after the send: median 1.5 h.
    assert report["median_reply_seconds"] == {"overall": 5400.0, "rcs": 3600.0, "sms": 10800.0}


def test_every_group_adds_up_the_recipients_own_rows(history):
    """The funnel folds the recipients into combinations before it counts (one pass at
    100,000); it must give exactly what counting each recipient's own row (the CSV's,
    per_recipient_sql) gives, in every group, the median reply time included."""
    params = per_recipient_params(history.campaign)
    with connection.cursor() as cursor:
        cursor.execute(per_recipient_sql(), params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def tally(group):
        out = {
            s: sum(1 for r in group if r["excluded_flag" if s == "excluded" else s]) for s in KEYS
        }
        seconds = [float(r["reply_seconds"]) for r in group if r["reply_seconds"] is not None]
        return out, (statistics.median(seconds) if seconds else None)

    def got(funnel_counts):
        return funnel_counts.as_dict(), funnel_counts.median_reply_seconds

    funnel = campaign_funnel(history.campaign)
    assert got(funnel.overall) == tally(rows)
    for kind in ("rcs", "sms"):
        assert got(funnel.by_channel[kind]) == tally([r for r in rows if r["kind"] == kind])
    for arm in ("control", "treatment"):
        assert got(funnel.by_arm[arm]) == tally([r for r in rows if r["arm"] == arm])
    reasons = Counter(r["excluded"] for r in rows if r["excluded"])
    assert funnel.excluded_by_reason == dict(reasons)
    # Not vacuous: the history has replies (c1 twice), clicks, opt-outs and exclusions.
    assert funnel.overall.replied and funnel.overall.opted_out and funnel.overall.excluded


def test_replies_are_attributed_within_the_window_only(history):
    replies = CampaignReply.objects.filter(campaign=history.campaign)
    # c1 twice (text, tap), c2, c5, c7; not c3's message before the send, nor c6's at 80 h.
    assert replies.count() == 5
    assert replies.filter(tapped=True).count() == 2
    assert {r.recipient.contact_id for r in replies} == {
        history.contacts[i].pk for i in (0, 1, 4, 6)
    }


def test_experiment_and_lift_by_hand(history):
    report = funnel_report(history.campaign)
    experiment = report["experiment"]
    assert experiment["treatment"] == counts(4, 0, 0, 3, 3, 2, 2, 2, 2, 1, 0, 0)
    assert experiment["control"] == counts(2, 0, 0, 2, 2, 0, 1, 1, 0, 0, 1, 0)
    replied = experiment["lift"]["replied"]
    # 2/4 vs 1/2: ratio 1. Log-adjusted interval: counts and totals + 0.5 give
    # 2.5/4.5 over 1.5/2.5 = 0.925926; var = 1/2.5 - 1/4.5 + 1/1.5 - 1/2.5 = 0.444444;
    # 0.925926 * exp(-/+ 1.959964 * 0.666667) = 0.250673 and 3.420140.
    assert replied["ratio"] == pytest.approx(1.0)
    assert replied["low"] == pytest.approx(0.250672, abs=1e-5)
    assert replied["high"] == pytest.approx(3.420140, abs=1e-5)
    # Pooled z-test: same rates, z = 0, p = 1.
    assert replied["p_value"] == pytest.approx(1.0)
    assert replied["too_small"] is True
    converted = experiment["lift"]["converted"]
    assert converted["ratio"] is None  # the control arm converted nobody
    # Wilson for 2 of 4: (0.5 + z²/8 ∓ z·sqrt(0.25/4 + z²/64)) / (1 + z²/4)
    wilson = experiment["intervals"]["treatment"]["replied"]
    assert wilson["rate"] == 0.5
    assert wilson["low"] == pytest.approx(0.150039, abs=1e-5)
    assert wilson["high"] == pytest.approx(0.849961, abs=1e-5)
    assert experiment["sample_too_small"] is True
    assert "Too few recipients" in experiment["verdicts"]["replied"]


def test_lift_on_a_sample_big_enough_to_tell():
    from inbox.selectors.campaign_funnel import FunnelCounts
    from inbox.selectors.campaign_funnel_lift import lift

    treatment = FunnelCounts(recipients=200, replied=60)  # 30%
    control = FunnelCounts(recipients=200, replied=30)  # 15%
    result = lift(treatment, control, "replied")
    # ratio 2; pooled p = 90/400 = 0.225, se = sqrt(0.225 * 0.775 * (2/200)) = 0.041758,
    # z = 0.15 / 0.041758 = 3.592106, two-sided p = 0.000328.
    assert result["ratio"] == pytest.approx(2.0)
    assert result["p_value"] == pytest.approx(0.000328, abs=2e-6)
    assert result["too_small"] is False
    assert result["low"] > 1


def test_no_control_arm_no_experiment(workspace, admin_user, rcs_channel, definitions):
    from .conftest import make_contact, new_campaign

    template = funnel_history.payment_template(workspace, admin_user)
    campaign = new_campaign(
        workspace, admin_user, template, rcs_channel, [make_contact(workspace, 1)]
    )
    assert funnel_report(campaign)["experiment"] is None
    assert campaign_experiment(campaign_funnel(campaign)) is None


def test_the_funnel_is_one_query_whatever_the_size(history):
    with CaptureQueriesContext(connection) as queries:
        campaign_funnel(history.campaign)
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # The workspace's channels (to know which are RCS), the planner settings, then one
    # statement.
    assert len(statements) == 3, statements
    assert statements[1].startswith("SELECT set_config(")


def test_the_planner_settings_stay_inside_the_funnel_transaction(history):
    campaign_funnel(history.campaign)
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "4"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"


def test_a_big_campaign_is_computed_at_most_every_few_seconds(history, settings):
    settings.CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS = 10  # this one has 10 rows
    first = funnel_report(history.campaign)
    with CaptureQueriesContext(connection) as queries:
        again = funnel_report(history.campaign)
    assert len(queries) == 0 and again["as_of"] == first["as_of"]
    assert again["stats"] == first["stats"]


def test_a_small_campaign_is_always_live(history, settings):
    settings.CAMPAIGN_FUNNEL_CACHE_MIN_RECIPIENTS = 11
    first = funnel_report(history.campaign)
    from inbox.services.campaigns.conversions import record_conversion

    record_conversion(history.campaign, history.contacts[1])
    assert funnel_report(history.campaign)["stats"]["converted"] == first["stats"]["converted"] + 1
