"""SSRF guard (inbox/address_guard.py) on outbound webhook URLs: refused when saved and
again at delivery time; the operator allow-list."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inbox import address_guard
from inbox.address_guard import UnsafeTarget, validate
from inbox.models import AuditEntry
from outbound_webhooks import dispatch
from tests.support import fake_dns
from workspace_settings.models import OutboundWebhook
from workspace_settings.services import webhook_endpoints

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"  # a public address; never contacted by these tests


@pytest.fixture(autouse=True)
def _guard_on(settings):
    settings.ADDRESS_GUARD_ALLOW = []


@pytest.fixture
def dns(monkeypatch):
    """A resolver for made-up names (the test sets answers); real names resolve as usual."""
    return fake_dns.install(monkeypatch)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_internal_addresses_are_refused(url):
    with pytest.raises(UnsafeTarget, match="internal address"):
        validate(url)


def test_a_name_with_any_internal_answer_is_refused(dns):
    dns["mixed.example"] = [PUBLIC, "10.0.0.5"]
    with pytest.raises(UnsafeTarget, match="10.0.0.5"):
        validate("https://mixed.example/hook")


def test_unresolvable_host_is_refused_with_a_clear_reason(dns):
    with pytest.raises(UnsafeTarget, match="could not be resolved"):
        validate("https://no-such-host.invalid/hook")


def test_the_allow_list_lets_an_operator_reach_a_listed_network(settings):
    settings.ADDRESS_GUARD_ALLOW = ["127.0.0.0/8"]
    validate("http://127.0.0.1:9/hook")
    with pytest.raises(UnsafeTarget):
        validate("http://10.0.0.1/hook")


def test_the_allow_list_trusts_a_listed_name_and_its_subdomains(settings, dns):
    settings.ADDRESS_GUARD_ALLOW = ["gateway.corp", "*.sms.corp"]
    dns["gateway.corp"] = ["10.0.5.7"]
    dns["eu.sms.corp"] = ["10.0.6.7"]
    dns["other.corp"] = ["10.0.7.7"]
    validate("https://gateway.corp/api")
    validate("https://eu.sms.corp/api")
    with pytest.raises(UnsafeTarget, match="10.0.7.7"):
        validate("https://other.corp/api")


def test_saving_an_internal_url_is_refused_and_nothing_is_written(admin_client, workspace):
    response = admin_client.post(
        "/w/acme/settings/webhooks/",
        {"url": "http://169.254.169.254/latest/", "events": ["message.created"]},
    )
    assert response.status_code == 422
    assert "only public addresses may be called" in response.content.decode()
    assert not OutboundWebhook.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="webhook.").exists()


def test_editing_to_an_internal_url_is_refused(admin_client, workspace, dns):
    dns["hooks.example"] = [PUBLIC]
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url="https://hooks.example/in", events=["message.created"]
    )
    dns["hooks.example"] = ["127.0.0.1"]
    response = admin_client.post(
        f"/w/acme/settings/webhooks/{webhook.pk}/",
        {"url": "https://hooks.example/other", "events": ["message.created"], "is_active": "on"},
    )
    assert response.status_code == 422
    webhook.refresh_from_db()
    assert webhook.url == "https://hooks.example/in"
    assert not AuditEntry.objects.filter(action="webhook.updated").exists()


class _Receiver(BaseHTTPRequestHandler):
    hosts: list[str] = []

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).hosts.append(self.headers["Host"])
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_receiver():
    _Receiver.hosts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], _Receiver
    server.shutdown()


def test_delivery_rechecks_dns_and_refuses_a_name_that_now_points_inside(
    workspace, dns, local_receiver
):
    port, receiver = local_receiver
    dns["hooks.example"] = [PUBLIC]
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url=f"http://hooks.example:{port}/in", events=["message.created"]
    )
    dns["hooks.example"] = ["127.0.0.1"]  # changed after saving
    (delivery,) = dispatch.emit(workspace.pk, "message.created", {})
    assert dispatch.deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.error.startswith("Refused:") and "127.0.0.1" in delivery.error
    assert delivery.response_status is None
    assert receiver.hosts == []


def test_delivery_connects_to_the_checked_address_not_a_second_dns_answer(
    workspace, dns, local_receiver, monkeypatch
):
    """DNS rebinding: the guard's lookup sees one answer, any later lookup would get
    another. The connection must go to the checked address, with the original name as
    Host."""
    port, receiver = local_receiver
    # Treat the receiver's loopback address as "public" so the guard lets it through.
    real_is_public = address_guard.is_public
    monkeypatch.setattr(
        address_guard, "is_public", lambda a: str(a) == "127.0.0.1" or real_is_public(a)
    )
    webhook, _ = webhook_endpoints.create_webhook(
        workspace, None, url=f"http://rebind.example:{port}/in", events=["message.created"]
    )
    lookups = []
    real = socket.getaddrinfo

    def rebinding(host, p, *args, **kwargs):
        if host == "rebind.example":
            address = "192.0.2.1" if lookups else "127.0.0.1"
            lookups.append(address)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, p))]
        return real(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    (delivery,) = dispatch.emit(workspace.pk, "message.created", {})
    assert dispatch.deliver(delivery.pk) == "delivered"
    assert receiver.hosts == [f"rebind.example:{port}"]
    assert webhook.pk == delivery.webhook_id
