"""seed_demo's settings and two weeks of history: what a manager expects on a fresh run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dashboards.models import (
    AgentConversation,
    ConsentEvent,
    ConversationStatusEvent,
    HourlyChannelStats,
    ReasonCount,
    ResolutionSample,
    ResponseSample,
    RollupState,
)
from demo.history.script import DAYS, FALLBACK_REASON
from inbox.models import (
    BusinessHours,
    CannedResponse,
    Channel,
    Consent,
    Contact,
    Conversation,
    Label,
    Message,
    MessageStatusEvent,
    PresenceSpan,
    ReadMarker,
    Team,
    Workspace,
)
from inbox.services.business_hours import is_open
from inbox.services.canned import render_canned, unknown_variables

from .conftest import run

MODELS = (
    Team,
    Label,
    CannedResponse,
    BusinessHours,
    Contact,
    Conversation,
    Message,
    MessageStatusEvent,
    PresenceSpan,
    ReadMarker,
    Consent,
    ConversationStatusEvent,
    ConsentEvent,
    ResponseSample,
    ResolutionSample,
    RollupState,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    # Opt-outs record their consent history after commit, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        out = run("seed_demo")
    return Workspace.objects.get(slug=out["workspace"])


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS} | {
        "User": get_user_model().objects.count(),
        "labels_m2m": Conversation.labels.through.objects.count(),
        "team_members": Team.members.through.objects.count(),
    }


def test_support_team_owns_the_channels_and_routes_round_robin(seeded):
    team = Team.objects.get(workspace=seeded, name="Support")
    assert team.routing == "round_robin"
    usernames = set(team.members.values_list("username", flat=True))
    assert {"agent", "maria", "sam"} <= usernames
    assert "admin" not in usernames
    channels = Channel.objects.filter(workspace=seeded)
    assert sorted(channels.values_list("kind", flat=True)) == ["rcs", "sms", "whatsapp"]
    assert set(channels.values_list("team", flat=True)) == {team.pk}


def test_teammates_cannot_log_in(seeded, client):
    maria = get_user_model().objects.get(username="maria")
    assert not maria.has_usable_password()
    assert maria.get_full_name() == "Maria Lopez"
    assert get_user_model().objects.get(username="agent").get_full_name() == "Alex Kim"


def test_labels_canned_responses_and_hours(seeded):
    labels = dict(Label.objects.filter(workspace=seeded).values_list("name", "colour"))
    assert {"Billing", "Delivery", "Urgent", "VIP"} <= set(labels)
    assert all(c.startswith("#") and len(c) == 7 for c in labels.values())
    canned = CannedResponse.objects.filter(workspace=seeded)
    assert 3 <= canned.count() <= 4
    assert any("{{contact.first_name}}" in c.body for c in canned)
    assert all(unknown_variables(c.body) == [] for c in canned)
    hello = canned.get(shortcut="hello")
    contact = Contact(name="Ana García")
    assert render_canned(hello.body, contact, None).startswith("Hi Ana,")

    hours = BusinessHours.objects.get(workspace=seeded)
    assert hours.enabled
    assert hours.weekly == {str(d): [["09:00", "17:00"]] for d in range(5)}
    tz = seeded.timezone
    assert tz == "America/Los_Angeles"
    from zoneinfo import ZoneInfo

    monday_10 = dt.datetime(2025, 3, 3, 10, tzinfo=ZoneInfo(tz))
    assert is_open(seeded, monday_10)
    assert not is_open(seeded, monday_10 + dt.timedelta(days=5))  # Saturday
    assert not is_open(seeded, monday_10 + dt.timedelta(hours=8))  # 18:00


def test_history_spans_two_weeks_with_statuses_and_events(seeded):
    history = Conversation.objects.filter(
        workspace=seeded, contact__identities__value__startswith="+14155553"
    )
    assert 40 <= history.count() <= 80
    now = timezone.now()
    starts = list(history.values_list("created_at", flat=True))
    assert min(starts) < now - dt.timedelta(days=DAYS - 1)
    assert max(starts) > now - dt.timedelta(days=1)
    assert len({s.date() for s in starts}) >= 12  # spread over the days
    assert len({s.hour for s in starts}) >= 8  # and over the hours

    outbound = Message.objects.filter(workspace=seeded, direction="outbound")
    statuses = set(outbound.values_list("status", flat=True))
    assert {"delivered", "read", "failed"} <= statuses
    assert not Message.objects.filter(workspace=seeded, created_at__gt=now).exists()
    # Every outbound message has its status history, ending where the message is.
    for message in outbound[:20]:
        events = list(message.status_events.order_by("at").values_list("status", flat=True))
        assert events[0] == "queued" and events[-1] == message.status
    failed = outbound.filter(status="failed").first()
    assert failed.error_code and failed.failed_at

    assert Message.objects.filter(content__type="suggestion_response").exists()
    assert Message.objects.filter(content__type="card").exists()
    fallbacks = outbound.filter(fallback_from__kind="rcs")
    assert fallbacks.exists()
    assert all(m.channel.kind == "sms" for m in fallbacks)
    assert fallbacks.first().fallback_reason == FALLBACK_REASON


def test_responses_and_resolutions_by_different_agents(seeded):
    responders = set(
        Message.objects.filter(workspace=seeded, author="agent").values_list(
            "author_user__username", flat=True
        )
    )
    assert len(responders) >= 3
    resolved = Conversation.objects.filter(workspace=seeded, status="resolved")
    assert resolved.count() >= 20
    assert len(set(resolved.values_list("assignee", flat=True))) >= 3
    for conversation in resolved[:10]:
        assert conversation.first_response_at <= conversation.resolved_at
    assert ConversationStatusEvent.objects.filter(status="resolved").count() == resolved.count()
    # The waiting queue has customers nobody has answered yet.
    assert Conversation.objects.filter(workspace=seeded, waiting_since__isnull=False).exists()


def test_opt_outs_go_through_the_consent_service_in_the_past(seeded):
    consents = Consent.objects.filter(workspace=seeded, opted_out=True)
    assert 1 <= consents.count() <= 2
    for consent in consents:
        assert consent.keyword == "STOP" and consent.source == "keyword"
        assert consent.changed_at < timezone.now() - dt.timedelta(hours=1)
        event = ConsentEvent.objects.get(consent_id=consent.pk)
        assert event.opted_out and event.at == consent.changed_at
    notes = Message.objects.filter(workspace=seeded, direction="internal", content__event="consent")
    assert notes.count() == consents.count()


def test_presence_spans_are_closed_weekday_shifts(seeded):
    spans = PresenceSpan.objects.filter(workspace=seeded)
    assert spans.count() > 20
    assert not spans.filter(ended_at__isnull=True).exists()
    assert set(spans.values_list("status", flat=True)) == {"online", "away"}


def test_dashboards_are_rolled_up(seeded):
    assert RollupState.objects.get(workspace=seeded).last_run_at is not None
    days = set(HourlyChannelStats.objects.filter(workspace=seeded).values_list("day", flat=True))
    assert len(days) >= 12
    assert ResponseSample.objects.filter(workspace=seeded, is_first=True).count() >= 30
    assert ResolutionSample.objects.filter(workspace=seeded).count() >= 20
    kinds = set(ReasonCount.objects.filter(workspace=seeded).values_list("kind", flat=True))
    assert kinds == {"failure", "fallback", "chip"}
    assert (
        AgentConversation.objects.filter(workspace=seeded).values("agent_id").distinct().count()
        >= 3
    )


def test_dashboards_page_shows_the_history(seeded, client):
    client.login(username="manager", password="manager-demo-pass")
    response = client.get(f"/w/{seeded.slug}/dashboards/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maria Lopez" in html and "Alex Kim" in html


def test_second_run_adds_nothing(seeded, django_capture_on_commit_callbacks):
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        run("seed_demo")
    assert counts() == before


def test_settings_an_admin_changed_are_kept(seeded):
    Label.objects.filter(name="VIP").update(colour="#000000")
    BusinessHours.objects.filter(workspace=seeded).update(enabled=False)
    team = Team.objects.get(name="Support")
    team.members.remove(get_user_model().objects.get(username="sam"))
    run("seed_demo")
    assert Label.objects.get(name="VIP").colour == "#000000"
    assert not BusinessHours.objects.get(workspace=seeded).enabled
    assert not team.members.filter(username="sam").exists()
