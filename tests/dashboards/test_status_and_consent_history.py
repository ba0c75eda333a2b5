"""Reopened conversations and opt-out history, through the real services and signals.

The inbox rows keep only the current state (Conversation.resolved_at, the Consent ledger);
these check that the dashboards' event tables keep every change, so reopenings count as
opened, every resolution counts, and an address that opted out and back in still counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dashboards import rollup
from dashboards.models import ConsentEvent, ConversationStatusEvent, ResolutionSample
from dashboards.queries import channel_health, hourly, speed, volume
from dashboards.queries.scope import Scope
from inbox.adapters import InboundMessage
from inbox.models import Channel, Consent, Conversation, ConversationStatus
from inbox.services import ingest
from inbox.services.consent import record_consent
from inbox.services.conversation_status import change_status, wake_snoozed

pytestmark = pytest.mark.django_db

CUSTOMER = "+14155550177"
_ids = itertools.count(1)


@pytest.fixture
def sms(workspace):
    return Channel.objects.create(
        workspace=workspace,
        kind="sms",
        name="SMS",
        config={"account_sid": "AC" + "0" * 32, "from_number": "+15005550006"},
    )


def customer_writes(channel, at: dt.datetime, sender: str = CUSTOMER):
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"hist-{next(_ids)}",
                sender=sender,
                recipient="+15005550006",
                content={"type": "text", "text": "hello"},
                text="hello",
                received_at=at,
            )
        ],
    )
    return Conversation.objects.get(pk=message.conversation_id)


def sec(n: int) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def around_now(workspace) -> Scope:
    """Yesterday to tomorrow locally: everything below happens within a minute of now."""
    today = timezone.localdate(timezone=ZoneInfo(workspace.timezone or "UTC"))
    one = dt.timedelta(days=1)
    return Scope(workspace=workspace, first_day=today - one, last_day=today + one)


def test_reopened_by_the_customer_counts_as_opened_and_both_resolutions_count(
    workspace, sms, agent, django_capture_on_commit_callbacks
):
    """Resolved, reopened by the customer and resolved again inside one roll-up period:
    the conversation row keeps only the last resolved_at; both resolutions count."""
    t = timezone.now() - dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        conv = customer_writes(sms, t)
        change_status(conv, ConversationStatus.RESOLVED, actor=agent, now=t + sec(10))
    with django_capture_on_commit_callbacks(execute=True):
        conv = customer_writes(sms, t + dt.timedelta(seconds=20))
    assert conv.status == ConversationStatus.OPEN
    reopen = ConversationStatusEvent.objects.get(previous_status="resolved")
    assert reopen.status == "open" and reopen.actor_id is None  # the customer did it
    with django_capture_on_commit_callbacks(execute=True):
        change_status(conv, ConversationStatus.RESOLVED, actor=agent, now=t + sec(50))

    rollup.run_workspace(workspace)
    s = around_now(workspace)
    totals = volume.build(s, hourly.load(s))["totals"]
    assert totals["opened"] == 2 and totals["reopened"] == 1  # created + reopened
    assert totals["resolved"] == 2
    durations = sorted(ResolutionSample.objects.values_list("seconds", flat=True))
    assert durations == [pytest.approx(10), pytest.approx(30)]  # 0->10 s, 20->50 s
    assert speed.build(s)["overall"]["resolution"]["n"] == 2


def test_reresolved_without_a_customer_message_counts_but_has_no_duration(
    workspace, sms, agent, django_capture_on_commit_callbacks
):
    t = timezone.now() - dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        conv = customer_writes(sms, t)
        change_status(conv, ConversationStatus.RESOLVED, actor=agent, now=t + sec(10))
        change_status(conv, ConversationStatus.OPEN, actor=agent, now=t + sec(20))
        change_status(conv, ConversationStatus.RESOLVED, actor=agent, now=t + sec(30))
    assert ConversationStatusEvent.objects.get(previous_status="resolved").actor_id == agent.pk
    rollup.run_workspace(workspace)
    s = around_now(workspace)
    totals = volume.build(s, hourly.load(s))["totals"]
    assert (totals["opened"], totals["reopened"], totals["resolved"]) == (2, 1, 2)
    res = speed.build(s)["overall"]["resolution"]
    assert res["n"] == 1 and res["median"] == pytest.approx(10)


def test_a_snooze_ending_is_not_a_reopening(
    workspace, sms, agent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        conv = customer_writes(sms, now - dt.timedelta(minutes=5))
        change_status(
            conv,
            ConversationStatus.SNOOZED,
            actor=agent,
            snoozed_until=now + dt.timedelta(minutes=1),
            now=now - dt.timedelta(minutes=4),
        )
        assert wake_snoozed(now=now + dt.timedelta(minutes=2)) == 1
    assert ConversationStatusEvent.objects.filter(status="open").count() == 1  # recorded
    rollup.run_workspace(workspace)
    s = around_now(workspace)
    totals = volume.build(s, hourly.load(s))["totals"]
    assert (totals["opened"], totals["reopened"]) == (1, 0)


def test_uncommitted_changes_record_nothing(workspace, sms, agent):
    """Events are written after commit: a change that never commits leaves no event."""
    conv = customer_writes(sms, timezone.now())
    change_status(conv, ConversationStatus.RESOLVED, actor=agent)
    customer_writes(sms, timezone.now())
    assert not ConversationStatusEvent.objects.exists()


def test_opt_out_history_counts_addresses_that_opted_back_in(
    workspace, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_consent(sms, "+15550000001", opted_out=True, source="keyword", keyword="stop")
        record_consent(sms, "+15550000001", opted_out=False, source="keyword", keyword="start")
        record_consent(sms, "+15550000002", opted_out=True, source="keyword", keyword="stop")
        record_consent(sms, "+15550000002", opted_out=True, source="provider")  # no change
        # Out, in, and out again on the same day: one opt-out that day.
        record_consent(sms, "+15550000003", opted_out=True, source="keyword", keyword="stop")
        record_consent(sms, "+15550000003", opted_out=False, source="keyword", keyword="start")
        record_consent(sms, "+15550000003", opted_out=True, source="keyword", keyword="stop")
    assert Consent.objects.filter(opted_out=True).count() == 2  # the ledger: now
    assert list(
        ConsentEvent.objects.filter(consent_id=Consent.objects.get(address="+15550000001").pk)
        .order_by("pk")
        .values_list("opted_out", flat=True)
    ) == [True, False]
    assert ConsentEvent.objects.count() == 6

    s = around_now(workspace)
    optouts = channel_health.build(s, hourly.load(s))["optouts"].rows
    assert sum(n for _, n in optouts) == 3
    other = Channel.objects.create(workspace=workspace, kind="sms", name="Other")
    s = Scope(workspace, s.first_day, s.last_day, channel_id=other.pk)
    assert sum(n for _, n in channel_health.build(s, hourly.Counters())["optouts"].rows) == 0
