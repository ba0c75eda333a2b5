"""A campaign's own send rate: the outbox spaces its messages at that rate on top of the
sender's limit, whichever path sends them, and refused rows stay queued untouched."""

from __future__ import annotations

import pytest

from inbox.models import Message, MessageStatus
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.plan import CampaignRejected
from inbox.services.outbox import enqueue
from inbox.services.outbox.claim import claim_batch

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    """Claims run here, by the test: a live worker (if one was started) must not join."""
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture
def contacts(workspace, definitions):
    return [make_contact(workspace, n) for n in range(1, 7)]


def _expanded(campaign, admin_user):
    launch_campaign(campaign=campaign, actor=admin_user)
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass


def test_a_campaign_rate_spaces_its_slots_and_holds_the_rest(
    workspace, admin_user, reminder, sms_channel, contacts
):
    # 2 a second, slots taken at most a second ahead: 3 of 6 now (t, t+0.5, t+1.0),
    # though the sender alone (100 a second) would take all six.
    sms_channel.config = {**sms_channel.config, "mps": 100}
    sms_channel.save(update_fields=["config"])
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts, send_rate=2)
    _expanded(campaign, admin_user)

    claim = claim_batch(100)

    assert len(claim.sending) == 3
    assert set(claim.paced) == {campaign.pk}
    starts = sorted(c.slot.starts_at for c in claim.sending)
    # Half a second apart; the first may leave a few ms after its campaign slot, behind
    # the sender's own slot (taken in a second Redis call), never before it.
    gaps = [round(b - a, 3) for a, b in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.45 for gap in gaps), gaps
    assert starts[-1] - starts[0] >= 0.95, starts
    assert Message.objects.filter(campaign=campaign, status=MessageStatus.QUEUED).count() == 3
    # The paced campaign is skipped by a claim that is told so; nothing else is waiting.
    assert claim_batch(100, skip_campaigns=frozenset({campaign.pk})).rows == 0


def test_without_a_rate_the_sender_limits_alone_apply(
    workspace, admin_user, reminder, sms_channel, contacts
):
    sms_channel.config = {**sms_channel.config, "mps": 100}
    sms_channel.save(update_fields=["config"])
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    _expanded(campaign, admin_user)
    claim = claim_batch(100)
    assert claim.paced == {}
    assert len(claim.sending) == 6  # the sender's 100 a second has room for all


@pytest.mark.parametrize("rate", [0, -1, 10_001, True])
def test_a_bad_rate_is_refused(workspace, admin_user, reminder, sms_channel, contacts, rate):
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(workspace, admin_user, reminder, sms_channel, contacts, send_rate=rate)
    assert any(e.startswith("send_rate:") for e in refused.value.errors)
