"""/metrics: Prometheus' figures, readable only with the token or from an allowed address."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_loopback_may_read_by_default(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "inbox_inbound_events_pending" in body
    assert "inbox_outbox_depth" in body
    assert "inbox_inbound_apply_lag_seconds" in body


def test_another_address_is_refused_by_default(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 403
    assert b"inbox_" not in response.content


def test_the_allow_list_names_who_may_read(client, settings):
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_with_a_token_only_the_token_reads_even_from_loopback(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert right.status_code == 200
    assert b"inbox_outbox_depth" in right.content


def test_webhooks_are_counted_by_outcome(client, channel):
    from inbox import metrics

    before = metrics.WEBHOOKS.labels("sms", "bad_signature")._value.get()
    response = client.post(
        f"/webhooks/sms/{channel.webhook_token}/",
        data="MessageSid=SM1&From=%2B14155550100&To=%2B15550009999&Body=hi",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE="forged",
    )
    assert response.status_code == 403
    assert metrics.WEBHOOKS.labels("sms", "bad_signature")._value.get() == before + 1
    body = client.get("/metrics").content.decode()
    assert 'inbox_webhooks_total{kind="sms",outcome="bad_signature"}' in body
