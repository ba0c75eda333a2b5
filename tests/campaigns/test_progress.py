"""Live campaign progress: frames go to a group only the campaign's workspace's managers
and admins can join, at most one per campaign per one-second window however many
messages change, and carry the counts the messages themselves give; the fragment a
page re-fetches on reconnect says the same."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from inbox import jobs
from inbox.models import Membership, Message, MessageStatus, Role
from inbox.realtime import campaign_progress
from inbox.redis_client import client
from inbox.services.campaigns import expansion
from inbox.services.campaigns import progress as progress_module
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.progress import publish_progress, rest_key
from inbox.services.outbox import enqueue
from inbox.services.statuses import transition
from tests.realtime.conftest import _close_thread_connections, _fresh_channel_layer  # noqa: F401
from tests.realtime.sockets import TIMEOUT, connected, next_frame, session_cookie

from .conftest import make_contact, new_campaign


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    """No drain runs: the messages stay where the test puts them."""
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture
def published(monkeypatch):
    """The progress publications requested (the task names and arguments), kept here
    instead of reaching a worker, so the test decides when a window ends."""
    requested: list[tuple] = []
    send = jobs.enqueue

    def record(task, *args, countdown=None):
        if task == jobs.PUBLISH_CAMPAIGN_PROGRESS:
            requested.append((args, countdown))
            return None
        if task == jobs.EXPAND_CAMPAIGN:
            # The test expands the campaign itself. Expanded by the session's worker too,
            # its touches could open the window in Redis between this test's steps.
            return None
        return send(task, *args, countdown=countdown)

    monkeypatch.setattr(jobs, "enqueue", record)
    return requested


@pytest.fixture
def campaign(workspace, admin_user, reminder, sms_channel, definitions):
    contacts = [make_contact(workspace, n) for n in range(1, 5)]
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    client().delete(campaign_progress.window_key(campaign.pk), rest_key(campaign.pk))
    campaign_progress._open_until.pop(campaign.pk, None)  # a fresh process's memory
    return campaign


def _run(campaign, actor):
    launch_campaign(campaign=campaign, actor=actor)
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass


@pytest.mark.django_db(transaction=True)
def test_many_changes_in_a_window_request_one_frame(campaign, admin_user, published):
    _run(campaign, admin_user)  # launch, 4 messages, completion: a dozen touches
    assert [args for args, _countdown in published] == [(campaign.pk,)]
    assert published[0][1] == campaign_progress.WINDOW_SECONDS

    # The frame's publication closes the window: the next change opens another.
    publish_progress(campaign.pk)
    message = Message.objects.filter(campaign=campaign).first()
    transition(message, MessageStatus.FAILED, source="test", error_message="x")
    assert [args for args, _countdown in published] == [(campaign.pk,), (campaign.pk,)]


@pytest.mark.django_db(transaction=True)
def test_a_costly_count_spaces_the_frames_out_and_the_last_state_still_arrives(
    campaign, admin_user, published, monkeypatch
):
    _run(campaign, admin_user)
    frames = []
    monkeypatch.setattr(
        campaign_progress, "send_progress", lambda _pk, payload: frames.append(payload)
    )
    monkeypatch.setattr(progress_module, "READ_SHARE", 1e-9)  # every count is "costly"
    publish_progress(campaign.pk)
    assert len(frames) == 1
    published.clear()

    # The next window's publication comes while the campaign rests: no count, the window
    # held open and the publication requested again for the rest's end.
    publish_progress(campaign.pk)
    assert len(frames) == 1
    [(args, countdown)] = published
    assert args == (campaign.pk,)
    assert 0 < countdown <= progress_module.MAX_INTERVAL_SECONDS
    # A change meanwhile finds the window open: nothing more requested.
    message = Message.objects.filter(campaign=campaign).first()
    transition(message, MessageStatus.FAILED, source="test", error_message="x")
    assert len(published) == 1

    client().delete(rest_key(campaign.pk))  # the rest is over: the frame has the change
    publish_progress(campaign.pk)
    assert len(frames) == 2 and frames[-1]["failed"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_fragment_carries_the_buttons_the_status_allows(
    campaign, admin_user, manager, published, client
):
    client.force_login(manager)
    url = f"/w/acme/campaigns/{campaign.pk}/progress/"
    draft = client.get(url).content.decode()
    assert 'data-testid="launch"' in draft and 'data-testid="pause"' not in draft
    launch_campaign(campaign=campaign, actor=admin_user)
    running = client.get(url).content.decode()
    assert 'data-testid="pause"' in running and 'data-testid="cancel"' in running
    assert 'data-testid="launch"' not in running
    while expansion.expand_chunk(campaign.pk) == expansion.MORE:
        pass
    done = client.get(url).content.decode()
    assert 'data-testid="pause"' not in done and 'data-testid="cancel"' not in done


@pytest.mark.django_db(transaction=True)
def test_the_fragment_shows_the_counts_to_managers_only(
    campaign, admin_user, manager, agent, outsider, published, client
):
    _run(campaign, admin_user)
    Message.objects.filter(campaign=campaign).update(status=MessageStatus.DELIVERED)
    url = f"/w/acme/campaigns/{campaign.pk}/progress/"
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="progress-delivered" data-count="delivered">4<' in body
    assert 'data-testid="progress-percent" data-count="percent">100<' in body
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/w/globex/campaigns/{campaign.pk}/progress/").status_code == 403


@pytest.mark.django_db(transaction=True)
async def test_a_manager_receives_the_frame_with_the_counts(
    campaign, admin_user, manager, published
):
    await database_sync_to_async(_run)(campaign, admin_user)

    def settle():
        first, second, *_rest = Message.objects.filter(campaign=campaign).order_by("pk")
        transition(first, MessageStatus.SENT, source="test")
        transition(second, MessageStatus.FAILED, source="test", error_message="x")

    await database_sync_to_async(settle)()
    ws = await connected(await database_sync_to_async(session_cookie)(manager))
    try:
        await ws.send_json_to({"subscribe": {"campaign": campaign.pk}})
        assert await ws.receive_json_from(TIMEOUT) == {
            "type": "subscribed",
            "campaign": campaign.pk,
        }
        await database_sync_to_async(publish_progress)(campaign.pk)
        frame = await next_frame(ws)
        assert frame["event"] == "campaign.progress"
        assert frame["campaign_id"] == campaign.pk
        assert frame["status"] == "completed"
        assert (frame["recipients"], frame["sent"], frame["failed"], frame["queued"]) == (
            4,
            1,
            1,
            2,
        )
        assert (frame["done"], frame["percent"]) == (2, 50)
    finally:
        await ws.disconnect(timeout=TIMEOUT)


def _other_manager(other_workspace):
    user = get_user_model().objects.create_user(username="gina", password="pw-gina")
    Membership.objects.create(workspace=other_workspace, user=user, role=Role.MANAGER)
    return user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["agent", "other_manager"])
async def test_agents_and_other_workspaces_cannot_join(
    campaign, admin_user, agent, other_workspace, published, who
):
    user = (
        agent if who == "agent" else await database_sync_to_async(_other_manager)(other_workspace)
    )
    await database_sync_to_async(_run)(campaign, admin_user)
    ws = await connected(await database_sync_to_async(session_cookie)(user))
    try:
        await ws.send_json_to({"subscribe": {"campaign": campaign.pk}})
        refusal = await ws.receive_json_from(TIMEOUT)
        assert refusal["type"] == "error" and refusal["error"] == "not_found"
        # Had the socket joined campaign-<id>, the frame would come before the pong.
        await database_sync_to_async(publish_progress)(campaign.pk)
        await database_sync_to_async(campaign_progress.pump_module.pump.flush)(TIMEOUT)
        await ws.send_json_to({"heartbeat": True})
        assert await ws.receive_json_from(TIMEOUT) == {"type": "pong"}
        assert await ws.receive_nothing(0.5)
    finally:
        await ws.disconnect(timeout=TIMEOUT)
