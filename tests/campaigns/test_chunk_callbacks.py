"""A campaign chunk's after-commit work is one callback, whatever the chunk's size, and
still carries every domain signal and live frame of the per-message path, in order."""

from __future__ import annotations

import pytest

from inbox import signals
from inbox.models import Message
from inbox.realtime import campaign_progress, publish
from inbox.services.campaigns import expansion
from inbox.services.campaigns.control import launch_campaign
from inbox.services.outbox import enqueue

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


def _expand_one_chunk(workspace, admin_user, template, channel, contacts, settings, capture):
    settings.CAMPAIGN_CHUNK_SIZE = len(contacts)
    campaign = new_campaign(workspace, admin_user, template, channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    with capture() as callbacks:
        assert expansion.expand_chunk(campaign.pk) == expansion.MORE
    return campaign, len(callbacks)


def test_a_chunks_callbacks_do_not_grow_with_its_size(
    workspace, admin_user, reminder, sms_channel, settings, django_capture_on_commit_callbacks
):
    small = [make_contact(workspace, n) for n in range(1, 4)]
    large = [make_contact(workspace, n) for n in range(100, 130)]
    args = (workspace, admin_user, reminder, sms_channel)
    _c, three = _expand_one_chunk(*args, small, settings, django_capture_on_commit_callbacks)
    _c, thirty = _expand_one_chunk(*args, large, settings, django_capture_on_commit_callbacks)
    assert three == thirty
    # The drain kick, the expansion's own next step and progress, and the live events'
    # one callback: not three a message (90 for this chunk before).
    assert thirty <= 5


def test_the_one_callback_carries_every_signal_and_frame_in_order(
    workspace, admin_user, reminder, sms_channel, settings, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    contacts = [make_contact(workspace, n) for n in range(1, 6)]
    settings.CAMPAIGN_CHUNK_SIZE = 5
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    sent, heard, touched = [], [], []
    monkeypatch.setattr(publish, "_send", lambda group, payload: sent.append((group, payload)))
    monkeypatch.setattr(enqueue, "kick", lambda: None)
    monkeypatch.setattr(campaign_progress, "touch", touched.append)

    def listener(sender, message, created, **kwargs):
        heard.append((str(message.pk), created, [g for g, _p in sent]))

    signals.message_changed.connect(listener, dispatch_uid="test-chunk-callbacks")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert expansion.expand_chunk(campaign.pk) == expansion.MORE
            assert heard == [] and sent == []  # nothing before the commit
    finally:
        signals.message_changed.disconnect(dispatch_uid="test-chunk-callbacks")
    ids = [str(pk) for pk in Message.objects.filter(campaign=campaign).values_list("pk", flat=True)]
    # Every message's signal, as created, in the chunk's order, before any frame.
    assert sorted(h[0] for h in heard) == sorted(ids)
    assert all(created and groups == [] for _id, created, groups in heard)
    assert [h[0] for h in heard] == [
        p["message_id"]
        for g, p in sent
        if g.startswith("conv-") and p["event"] == "message.created"
    ]
    assert campaign.pk in touched and touched.count(campaign.pk) <= 2  # not one a message
    # Each thread: its message.created then its conversation.updated; the workspace: one
    # batch holding the same events in the same order.
    ws = [p for g, p in sent if g == f"ws-{workspace.pk}"]
    assert len(ws) == 1 and ws[0]["event"] == "batch"
    per_thread = [p for g, p in sent if g.startswith("conv-")]
    assert [p["event"] for p in per_thread] == ["message.created"] * 5
    assert [e["event"] for e in ws[0]["events"]] == ["message.created", "conversation.updated"] * 5
    assert [e.get("message_id") for e in ws[0]["events"][::2]] == [h[0] for h in heard]
