"""Inbound events that could not be applied: an admin sees how many, each payload with
its secrets masked, and replays them once the cause is fixed (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.adapters.events import to_record
from inbox.models import AuditEntry, InboundEvent, Message
from inbox.services import inbound_queue
from tests.web.fakes import make_channel

pytestmark = pytest.mark.django_db

URL = "/w/acme/settings/inbound-events/"


@pytest.fixture(autouse=True)
def _fresh_count_cache():
    cache.clear()


def set_aside(channel, provider_id: str, **raw) -> InboundEvent:
    """An event that failed MAX_APPLY_ATTEMPTS times (a since-fixed bug), payload kept."""
    event = InboundMessage(
        provider_message_id=provider_id,
        sender="+14155550111",
        recipient="+14155550100",
        content={"type": "text", "text": "Where is my order?"},
        text="Where is my order?",
        received_at=timezone.now() - timedelta(minutes=5),
        raw=raw,
    )
    kind, data = to_record(event)
    return InboundEvent.objects.create(
        channel=channel,
        kind=kind,
        events=[[kind, data]],
        dedupe_key=f"message:{provider_id}",
        received_at=timezone.now() - timedelta(minutes=5),
        attempts=inbound_queue.MAX_APPLY_ATTEMPTS,
        error="Traceback (most recent call last):\n  ...\nRuntimeError: contact table locked",
        gave_up_at=timezone.now(),
    )


@pytest.fixture
def channel(workspace, page_adapter):
    return make_channel(workspace)


def test_admin_sees_the_count_the_error_and_the_payload_without_secrets(admin_client, channel):
    set_aside(channel, "P1", AccountSid="AC1", auth_token="tok-123", Signature="sig-456")
    set_aside(channel, "P2")
    page = admin_client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 inbound events could not be applied." in html
    assert html.count('data-testid="set-aside-event"') == 2
    assert "RuntimeError: contact table locked" in html
    assert "Where is my order?" in html and "AC1" in html
    assert "tok-123" not in html and "sig-456" not in html
    assert "[redacted]" in html


def test_the_header_tells_admins_only(client, admin_client, channel, agent, manager):
    set_aside(channel, "P1")
    home = admin_client.get("/w/acme/settings/channels/").content.decode()
    assert 'data-testid="set-aside-note"' in home
    assert "1 inbound event could not be applied" in home
    for user in (agent, manager):
        client.force_login(user)
        page = client.get("/w/acme/").content.decode()
        assert 'data-testid="set-aside-note"' not in page


def test_replay_applies_the_events_once_the_cause_is_fixed(admin_client, channel, admin_user):
    set_aside(channel, "P1")
    set_aside(channel, "P2")
    response = admin_client.post(URL + "replay/")
    assert response.status_code == 302
    assert InboundEvent.objects.filter(gave_up_at__isnull=False).count() == 0
    assert inbound_queue.apply_pending() == 2  # what the kicked worker does
    assert set(Message.objects.values_list("provider_message_id", flat=True)) == {"P1", "P2"}
    entry = AuditEntry.objects.get(action="inbound_events.replayed")
    assert entry.after == {"events": 2} and entry.actor == admin_user
    page = admin_client.get(URL).content.decode()
    assert 'data-testid="no-set-aside"' in page and "set-aside-note" not in page


def test_replay_of_one_leaves_the_others(admin_client, channel):
    first, second = set_aside(channel, "P1"), set_aside(channel, "P2")
    admin_client.post(URL + "replay/", {"event": str(first.pk)})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.gave_up_at is None and first.attempts == 0
    assert second.gave_up_at is not None


def test_an_event_that_still_fails_is_set_aside_again(admin_client, channel, monkeypatch):
    event = set_aside(channel, "P1")

    def still_broken(channel, events):
        raise RuntimeError("still broken")

    admin_client.post(URL + "replay/")
    monkeypatch.setattr(inbound_queue, "ingest", still_broken)  # one by one
    monkeypatch.setattr(inbound_queue, "ingest_messages", lambda items: still_broken(None, []))
    for _ in range(inbound_queue.MAX_APPLY_ATTEMPTS):
        inbound_queue.apply_pending()
    event.refresh_from_db()
    assert event.gave_up_at is not None and "still broken" in event.error
    assert event.events  # the payload is kept, for the next replay


def test_another_workspaces_admin_sees_and_replays_none_of_ours(client, channel, other_workspace):
    from django.contrib.auth import get_user_model

    from inbox.models import Membership

    event = set_aside(channel, "P1")
    other_admin = get_user_model().objects.create_user("other-admin", password="x")
    Membership.objects.create(user=other_admin, workspace=other_workspace, role="admin")
    client.force_login(other_admin)
    base = f"/w/{other_workspace.slug}/settings/inbound-events/"
    page = client.get(base).content.decode()
    assert 'data-testid="no-set-aside"' in page and "set-aside-note" not in page
    client.post(base + "replay/", {"event": str(event.pk)})
    client.post(base + "replay/")
    event.refresh_from_db()
    assert event.gave_up_at is not None
