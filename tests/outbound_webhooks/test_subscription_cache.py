"""emit() skips the query for workspaces without a subscribed webhook, and stays fresh."""

from __future__ import annotations

import uuid

import pytest

from inbox import versioned_cache
from inbox.redis_client import client
from outbound_webhooks import dispatch, subscriptions
from workspace_settings.models import OutboundWebhook, WebhookDelivery
from workspace_settings.services import webhook_endpoints

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    subscriptions.clear()
    fake = Clock()
    monkeypatch.setattr(versioned_cache.time, "monotonic", fake)
    yield fake
    subscriptions.clear()


def test_no_webhook_means_no_query_once_cached(workspace, clock, django_assert_num_queries):
    assert dispatch.emit(workspace.pk, "message.created", {}) == []
    with django_assert_num_queries(0):
        for _ in range(5):
            assert dispatch.emit(workspace.pk, "message.status_changed", {}) == []


def test_a_new_webhook_is_honoured_by_the_next_emit(workspace, clock):
    assert dispatch.emit(workspace.pk, "message.created", {}) == []  # cached: nobody
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url=URL, events=["message.created"]
    )
    (delivery,) = dispatch.emit(workspace.pk, "message.created", {"n": 1})
    assert delivery.webhook_id == webhook.pk
    assert WebhookDelivery.objects.filter(webhook=webhook).count() == 1
    assert dispatch.emit(workspace.pk, "conversation.resolved", {}) == []  # not subscribed


def test_paused_and_deleted_webhooks_stop_at_once(workspace, clock):
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url=URL, events=["message.created"]
    )
    assert len(dispatch.emit(workspace.pk, "message.created", {})) == 1
    webhook = webhook_endpoints.update_webhook(
        webhook, None, url=URL, events=["message.created"], is_active=False
    )
    assert dispatch.emit(workspace.pk, "message.created", {}) == []
    webhook_endpoints.update_webhook(
        webhook, None, url=URL, events=["message.created"], is_active=True
    )
    assert len(dispatch.emit(workspace.pk, "message.created", {})) == 1
    webhook_endpoints.delete_webhook(webhook, None)
    assert dispatch.emit(workspace.pk, "message.created", {}) == []


def test_a_change_committed_by_another_process_is_seen_at_the_next_recheck(
    workspace, clock, settings
):
    settings.WEBHOOK_SUBSCRIPTIONS_RECHECK_SECONDS = 1.0
    assert dispatch.emit(workspace.pk, "message.created", {}) == []
    # Another process: the row appears without this process's signals, then its
    # after-commit bump changes the workspace's version in Redis.
    webhook = OutboundWebhook(workspace=workspace, url=URL, events=["message.created"])
    webhook.secret = "whsec_x"
    OutboundWebhook.objects.bulk_create([webhook])
    # A fresh token: Redis outlives the test database, whose workspace ids come back.
    client().set(subscriptions.VERSION_KEY.format(workspace.pk), uuid.uuid4().hex)
    clock.now += 0.5
    assert dispatch.emit(workspace.pk, "message.created", {}) == []  # the documented bound
    clock.now += 0.6
    assert len(dispatch.emit(workspace.pk, "message.created", {})) == 1


def test_saving_a_webhook_bumps_the_shared_version_after_commit(
    workspace, clock, django_capture_on_commit_callbacks
):
    key = subscriptions.VERSION_KEY.format(workspace.pk)
    before = client().get(key)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        webhook_endpoints.create_webhook(workspace, None, url=URL, events=["message.created"])
    assert client().get(key) == before  # not before the commit: others would reload early
    for callback in callbacks:
        callback()
    assert client().get(key) not in (None, before)


def test_other_workspaces_webhooks_do_not_count(workspace, other_workspace, clock):
    webhook_endpoints.create_webhook(other_workspace, None, url=URL, events=["message.created"])
    assert dispatch.emit(workspace.pk, "message.created", {}) == []
    assert len(dispatch.emit(other_workspace.pk, "message.created", {})) == 1
