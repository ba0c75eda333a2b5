"""The local sending window: each recipient's zone from their number, a message outside
the window written now but held in the outbox until it opens, released by the sweep,
and counted in the preview."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from inbox.models import CampaignRecipient, Message, MessageStatus
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.plan import CampaignRejected, preview_campaign
from inbox.services.campaigns.window import hold_until
from inbox.services.outbox import deliver as deliver_module
from inbox.services.outbox import enqueue
from inbox.services.outbox.claim import claim_batch
from inbox.services.outbox.sweep import release_held, requeue_stuck

from .conftest import make_contact, new_campaign

MEXICO = "+525512345678"  # America/Mexico_City, UTC-6 in December
SPAIN = "+34600111222"  # Europe/Madrid or Atlantic/Canary: both must be open
NOON_UTC = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 06:00 in Mexico City


def test_a_number_outside_its_window_waits_for_the_local_opening():
    opens = hold_until(MEXICO, start=time(9), end=time(20), now=NOON_UTC, default_zone="UTC")
    assert opens == datetime(2026, 12, 6, 15, 0, tzinfo=UTC)  # 09:00 in Mexico City


def test_a_number_inside_its_window_goes_at_once():
    later = NOON_UTC + timedelta(hours=4)  # 10:00 in Mexico City
    assert hold_until(MEXICO, start=time(9), end=time(20), now=later, default_zone="UTC") is None


def test_after_the_window_closes_it_waits_for_the_next_day():
    night = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 21:00 on the 6th in Mexico City
    opens = hold_until(MEXICO, start=time(9), end=time(20), now=night, default_zone="UTC")
    assert opens == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def test_a_window_past_midnight_wraps():
    # 22:00-06:00 local; 06:00 in Mexico City is just outside, 23:00 inside.
    assert hold_until(MEXICO, start=time(22), end=time(6), now=NOON_UTC, default_zone="UTC") == (
        datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    )
    inside = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    assert hold_until(MEXICO, start=time(22), end=time(6), now=inside, default_zone="UTC") is None


def test_a_region_with_two_zones_waits_until_open_in_both():
    # 08:30 UTC: 09:30 in Madrid (open) but 08:30 in the Canaries (not yet).
    now = datetime(2026, 12, 6, 8, 30, tzinfo=UTC)
    opens = hold_until(SPAIN, start=time(9), end=time(20), now=now, default_zone="UTC")
    assert opens == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_number_of_unknown_region_uses_the_workspace_zone():
    # +1 555 numbers are fictional: no region, so the workspace's zone decides.
    opens = hold_until(
        "+15555550100", start=time(9), end=time(20), now=NOON_UTC, default_zone="Pacific/Auckland"
    )
    # 12:00 UTC is 01:00 next day in Auckland (UTC+13): opens 09:00 there = 20:00 UTC.
    assert opens == datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def test_no_window_means_no_hold():
    assert hold_until(MEXICO, start=None, end=None, now=NOON_UTC, default_zone="UTC") is None


# The campaign, end to end (the +1 415 numbers of the fixtures are in Los Angeles).

LA = ZoneInfo("America/Los_Angeles")


def _closed_window(now: datetime) -> tuple[time, time, datetime]:
    """A one-hour window starting two hours from now in Los Angeles, and its opening."""
    local = now.astimezone(LA)
    start_at = (local + timedelta(hours=2)).replace(second=0, microsecond=0)
    start = start_at.time()
    end = (start_at + timedelta(hours=1)).time()
    return start, end, start_at.astimezone(UTC)


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    """Claims run here, by the test: a live worker (if one was started) must not join."""
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture
def contacts(workspace, definitions):
    return [make_contact(workspace, n) for n in range(1, 4)]


@pytest.mark.django_db
def test_recipients_outside_their_window_are_held_then_released(
    workspace, admin_user, reminder, sms_channel, contacts
):
    start, end, opening = _closed_window(timezone.now())
    campaign = new_campaign(
        workspace, admin_user, reminder, sms_channel, contacts, window=(start, end)
    )
    preview = preview_campaign(campaign)
    assert preview.waiting == 3
    launch_campaign(campaign=campaign, actor=admin_user)
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass

    messages = list(Message.objects.filter(campaign=campaign))
    assert len(messages) == 3
    assert {m.not_before for m in messages} == {opening}
    assert {m.status for m in messages} == {MessageStatus.QUEUED}
    # The outbox does not take them early, by either path or the stuck-message sweep.
    assert claim_batch(100).rows == 0
    assert deliver_module.deliver(str(messages[0].pk)) == "held"
    assert requeue_stuck(now=opening - timedelta(minutes=1))["requeued"] == 0
    assert release_held(opening - timedelta(seconds=1)) == 0
    assert claim_batch(100).rows == 0

    # Once the window opens, the sweep releases them and the drain takes them.
    assert release_held(opening) == 3
    assert Message.objects.filter(campaign=campaign, not_before__isnull=False).count() == 0
    claimed = claim_batch(100)
    assert sorted(str(c.message.pk) for c in claimed.sending) == sorted(str(m.pk) for m in messages)
    assert CampaignRecipient.objects.filter(campaign=campaign, excluded="").count() == 3


@pytest.mark.django_db
def test_recipients_inside_their_window_are_not_held(
    workspace, admin_user, reminder, sms_channel, contacts
):
    local = timezone.now().astimezone(LA)
    start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    campaign = new_campaign(
        workspace, admin_user, reminder, sms_channel, contacts, window=(start, end)
    )
    assert preview_campaign(campaign).waiting == 0
    launch_campaign(campaign=campaign, actor=admin_user)
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass
    assert Message.objects.filter(campaign=campaign, not_before__isnull=True).count() == 3
    assert claim_batch(100).rows == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "window, error",
    [
        ((time(9), time(9)), "window: the start and the end must differ"),
        (("09:00", "20:00"), "window: give a start and an end time"),
    ],
)
def test_a_bad_window_is_refused_with_its_reason(
    workspace, admin_user, reminder, sms_channel, contacts, window, error
):
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(workspace, admin_user, reminder, sms_channel, contacts, window=window)
    assert error in refused.value.errors


@pytest.mark.django_db
def test_the_api_takes_a_window_and_a_rate(manager, workspace, reminder, sms_channel, contacts):
    from inbox.services.tokens import create_api_token
    from tests.api.conftest import bearer_client

    api = bearer_client(create_api_token(manager, workspace, "t", scopes=["read", "send"])[1])
    body = {
        "name": "Windowed",
        "template_id": reminder.pk,
        "channel_id": sms_channel.pk,
        "audience": {"contact_ids": [c.pk for c in contacts]},
        "window": {"start": "09:00", "end": "20:00"},
        "send_rate": 25,
    }
    created = api.post("/api/v1/campaigns", body, content_type="application/json")
    assert created.status_code == 201, created.content
    shown = api.get(f"/api/v1/campaigns/{created.json()['id']}").json()
    assert (shown["window_start"], shown["window_end"], shown["send_rate"]) == (
        "09:00:00",
        "20:00:00",
        25,
    )
    refused = api.post(
        "/api/v1/campaigns",
        {**body, "window": {"start": "09:00", "end": "09:00"}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "window: the start and the end must differ" in refused.content.decode()
