"""/healthz and /readyz: alive is just alive; ready names each failing dependency."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inbox.models import InboundEvent
from inbox.redis_client import client
from monitoring import heartbeat


@pytest.fixture(autouse=True)
def _no_heartbeats():
    client().delete(heartbeat.KEY)
    yield
    client().delete(heartbeat.KEY)


def _checks(response) -> dict:
    return response.json()["checks"]


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_every_dependency_answers(client):
    heartbeat.beat("worker1@test")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    checks = _checks(response)
    assert set(checks) == {"postgres", "redis", "worker", "inbound_apply_lag", "outbox_age"}
    assert all(check["ok"] for check in checks.values())


@pytest.mark.django_db
def test_not_ready_without_a_worker_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _checks(response)["worker"] == {
        "ok": False,
        "detail": "no worker has ever reported",
        "value": None,
    }


@pytest.mark.django_db
def test_not_ready_when_the_last_heartbeat_is_too_old(client, settings):
    heartbeat.beat("worker1@test", now=time.time() - settings.READY_WORKER_HEARTBEAT_SECONDS - 5)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "last heartbeat" in _checks(response)["worker"]["detail"]


@pytest.mark.django_db
def test_not_ready_when_redis_is_down(client, settings):
    heartbeat.beat("worker1@test")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = _checks(response)
    assert checks["redis"]["ok"] is False
    assert checks["redis"]["detail"].startswith("unreachable")
    assert checks["postgres"]["ok"] is True


@pytest.mark.django_db
def test_not_ready_when_postgres_is_down(client, monkeypatch):
    heartbeat.beat("worker1@test")
    # The probe opens its own connection from these parameters; the test's stays open.
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = _checks(response)
    assert checks["postgres"]["ok"] is False
    assert checks["redis"]["ok"] is True
    assert "inbound_apply_lag" not in checks  # not asked of a database that is down


def test_not_ready_when_inbound_events_wait_too_long(client, settings, channel):
    heartbeat.beat("worker1@test")
    InboundEvent.objects.create(
        channel=channel,
        kind="InboundMessage",
        events=[],
        received_at=timezone.now() - timedelta(seconds=settings.READY_MAX_APPLY_LAG_SECONDS + 30),
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    lag = _checks(response)["inbound_apply_lag"]
    assert lag["ok"] is False and lag["value"] > settings.READY_MAX_APPLY_LAG_SECONDS


def test_a_set_aside_event_is_no_backlog(client, settings, channel):
    heartbeat.beat("worker1@test")
    long_ago = timezone.now() - timedelta(hours=1)
    InboundEvent.objects.create(
        channel=channel, kind="InboundMessage", events=[], received_at=long_ago, gave_up_at=long_ago
    )
    response = client.get("/readyz")
    assert response.status_code == 200
    assert _checks(response)["inbound_apply_lag"]["detail"] == "no unapplied inbound event"
