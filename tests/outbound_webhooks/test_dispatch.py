"""Outbound webhooks against a real local HTTP server that checks the signature itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from inbox import signals
from inbox.models import AuditEntry, Message
from outbound_webhooks import dispatch, signing
from tests.web.fakes import inbound, make_channel
from workspace_settings.models import WebhookDelivery
from workspace_settings.services import webhook_endpoints

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    secret = ""
    answers: list[int] = []
    received: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp = self.headers["X-Inbox-Timestamp"]
        expected = hmac.new(
            self.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        valid = hmac.compare_digest(self.headers["X-Inbox-Signature"], "v1=" + expected)
        type(self).received.append(
            {
                "valid": valid,
                "body": json.loads(body),
                "delivery": self.headers["X-Inbox-Delivery"],
                "event": self.headers["X-Inbox-Event"],
            }
        )
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status if valid else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver
    server.shutdown()


@pytest.fixture
def hook(workspace, receiver, admin_user):
    url, handler = receiver
    webhook, secret = webhook_endpoints.create_webhook(
        workspace, admin_user, url=url, events=["message.created", "conversation.assigned"]
    )
    handler.secret = secret
    return webhook


def _due_now(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_signed_delivery_verified_by_the_receiver(hook, receiver):
    _, handler = receiver
    (delivery,) = dispatch.emit(hook.workspace_id, "message.created", {"message": {"id": "m1"}})
    assert dispatch.deliver(delivery.pk) == "delivered"
    (got,) = handler.received
    assert got["valid"] is True
    assert got["event"] == "message.created" and got["delivery"] == str(delivery.pk)
    assert got["body"]["data"] == {"message": {"id": "m1"}}
    delivery.refresh_from_db()
    assert delivery.response_status == 200 and delivery.attempts == 1
    assert dispatch.deliver(delivery.pk) == "skipped"  # delivered once, never again
    assert len(handler.received) == 1


def test_wrong_secret_fails_verification(hook, receiver):
    _, handler = receiver
    handler.secret = "not-the-secret"
    (delivery,) = dispatch.emit(hook.workspace_id, "message.created", {})
    assert dispatch.deliver(delivery.pk) == "pending"
    assert handler.received[0]["valid"] is False


def test_retries_with_backoff_then_succeeds_with_the_same_body(hook, receiver, settings):
    _, handler = receiver
    handler.answers = [500, 503]
    (delivery,) = dispatch.emit(hook.workspace_id, "message.created", {"n": 1})
    assert dispatch.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.response_status == 500 and delivery.next_attempt_at > timezone.now()
    assert dispatch.deliver(delivery.pk) == "skipped"  # not due yet
    _due_now(delivery)
    assert dispatch.deliver(delivery.pk) == "pending"
    _due_now(delivery)
    assert dispatch.deliver(delivery.pk) == "delivered"
    bodies = {json.dumps(r["body"]) for r in handler.received}
    assert len(handler.received) == 3 and len(bodies) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.status == "delivered"


def test_gives_up_after_max_attempts(hook, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    _, handler = receiver
    handler.answers = [500, 500, 500]
    (delivery,) = dispatch.emit(hook.workspace_id, "message.created", {})
    dispatch.deliver(delivery.pk)
    _due_now(delivery)
    assert dispatch.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is None and "HTTP 500" in delivery.error


def test_unreachable_endpoint_is_retried(workspace):
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url="http://127.0.0.1:9/nothing", events=["message.created"]
    )
    (delivery,) = dispatch.emit(workspace.pk, "message.created", {})
    assert dispatch.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.error and delivery.response_status is None


def test_backoff_grows_exponentially(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_RETRY_MAX_SECONDS = 1000
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (10, 1000)]:
        wait = dispatch.backoff_seconds(attempt)
        assert ceiling / 2 <= wait <= ceiling


def test_domain_signals_become_deliveries_only_for_subscribed_events(
    hook, workspace, page_adapter, django_capture_on_commit_callbacks, other_workspace
):
    webhook_endpoints.create_webhook(
        other_workspace, None, url="http://127.0.0.1:9/x", events=["message.created"]
    )
    paused, _ = webhook_endpoints.create_webhook(
        workspace, None, url="http://127.0.0.1:9/y", events=["message.created"], is_active=False
    )
    channel = make_channel(workspace)
    with django_capture_on_commit_callbacks(execute=False):
        message = inbound(channel, "+15550000001", "hello")
    deliveries = WebhookDelivery.objects.all()
    assert [d.webhook_id for d in deliveries] == []  # nothing before commit
    signals.send(signals.message_changed, Message, message=message, created=True)
    signals.send(signals.message_changed, Message, message=message, created=False)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.webhook_id == hook.pk and delivery.event == "message.created"
    body = json.loads(delivery.body)
    assert body["data"]["message"]["id"] == str(message.pk)
    assert body["data"]["message"]["text"] == "hello"


def test_secret_is_encrypted_and_never_audited(hook, admin_user):
    assert signing.SIGNATURE_HEADER
    assert "whsec_" not in hook.secret_encrypted
    entry = AuditEntry.objects.get(action="webhook.created")
    assert "whsec_" not in json.dumps(entry.after)
    assert entry.actor == admin_user
