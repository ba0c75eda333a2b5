"""The webhook action against a real local HTTP server (127.0.0.1, allowed in tests by
ADDRESS_GUARD_ALLOW): its JSON answer fills the reply, and a timeout, an answer that is
not JSON, an error status or a refused address sends the fallback text and hands off."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from automations.models import AutomationHold, AutomationRun
from automations.services import rules as rule_service
from automations.services.rule_spec import RuleRejected
from inbox.models import AuditEntry

from .conftest import PHONE, bot_messages, inbound, make_rule

FALLBACK = "No pudimos consultar tu saldo; te atiende una persona."


class Billing:
    """A billing system: /balance answers the caller's balance as JSON; the other paths
    misbehave. Requests are kept for the assertions."""

    def __init__(self):
        self.requests: list[dict] = []
        self.release = threading.Event()  # /slow answers only once the test is over
        billing = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                billing.requests.append(
                    {"path": self.path, "body": body, "headers": dict(self.headers)}
                )
                if self.path == "/balance":
                    phone = body["contact"]["phone"]
                    answer = {"account": {"balance": 87.25 if phone == PHONE else 0}}
                    self._send(200, json.dumps(answer).encode(), "application/json")
                elif self.path == "/html":
                    self._send(200, b"<html>Service unavailable</html>", "text/html")
                elif self.path == "/error":
                    self._send(503, b'{"error": "down"}', "application/json")
                elif self.path == "/slow":
                    billing.release.wait(10)
                    self._send(200, b"{}", "application/json")
                else:
                    self._send(404, b"", "text/plain")

            def _send(self, status, body, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def billing():
    server = Billing()
    threading.Thread(target=server.server.serve_forever, daemon=True).start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


def webhook_rule(workspace, admin_user, dialog_templates, url, **extra):
    return make_rule(
        workspace, admin_user, name="Balance from billing", trigger="keyword",
        trigger_value="saldo",
        actions=[
            {"type": "webhook", "url": url, "attributes": {"balance": "account.balance"},
             "fallback_text": FALLBACK, **extra.pop("webhook", {})},
            {"type": "reply", "template_id": dialog_templates["balance"].pk},
        ],
        **extra,
    )  # fmt: skip


def test_the_answer_fills_the_reply(
    billing, sms_channel, customer, workspace, admin_user, dialog_templates
):
    webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}/balance")
    message, outcome = inbound(sms_channel, "mi saldo")
    assert outcome == "done"
    assert "tu saldo es 87.25" in bot_messages(message.conversation)[-1].text
    customer.refresh_from_db()
    assert customer.attributes["balance"] == 87.25  # kept: the agent sees it too
    (request,) = billing.requests
    assert request["body"]["contact"]["phone"] == PHONE
    assert request["body"]["message"]["text"] == "mi saldo"
    assert request["body"]["rule"] == "Balance from billing"
    assert not AutomationHold.objects.exists()


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/html", "not JSON"),
        ("/error", "HTTP 503"),
        ("/nowhere", "HTTP 404"),
    ],
)
def test_a_bad_answer_sends_the_fallback_and_hands_off(
    billing, sms_channel, customer, workspace, admin_user, dialog_templates, path, reason
):
    rule = webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}{path}")
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "handed off"
    (reply,) = bot_messages(message.conversation)
    assert reply.text == FALLBACK
    assert AutomationHold.objects.filter(conversation=message.conversation).exists()
    run = AutomationRun.objects.get(message=message)
    assert run.outcome == "failed" and reason in run.detail and run.replies == 1
    rule.refresh_from_db()
    assert rule.error_count == 1 and reason in rule.last_error
    assert inbound(sms_channel, "saldo")[1] == "silent"  # a person has it now


def test_an_answer_without_the_field_hands_off(
    billing, sms_channel, customer, workspace, admin_user, dialog_templates
):
    rule = webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}/balance")
    rule.actions[0]["attributes"] = {"balance": "account.amount_due"}
    rule.save(update_fields=["actions"])
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "handed off"
    assert "no “account.amount_due”" in AutomationRun.objects.get(message=message).detail


def test_a_timeout_sends_the_fallback_and_hands_off(
    billing, settings, sms_channel, customer, workspace, admin_user, dialog_templates
):
    settings.AUTOMATION_WEBHOOK_TIMEOUT_SECONDS = 0.5
    webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}/slow")
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "handed off"
    assert bot_messages(message.conversation)[0].text == FALLBACK
    assert "no answer within 0.5 s" in AutomationRun.objects.get(message=message).detail


def test_the_address_guard_refuses_an_internal_address_at_call_time(
    billing, settings, sms_channel, customer, workspace, admin_user, dialog_templates
):
    webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}/balance")
    settings.ADDRESS_GUARD_ALLOW = []  # loopback is internal again
    message, outcome = inbound(sms_channel, "saldo")
    assert outcome == "handed off"
    assert billing.requests == []  # never called
    assert "internal address" in AutomationRun.objects.get(message=message).detail


def test_an_internal_address_is_refused_when_saved(
    billing, settings, workspace, admin_user, dialog_templates
):
    settings.ADDRESS_GUARD_ALLOW = []
    with pytest.raises(RuleRejected) as refused:
        webhook_rule(workspace, admin_user, dialog_templates, f"{billing.url}/balance")
    assert "internal address" in refused.value.errors[0]


def test_the_rules_credential_goes_to_its_url_in_its_header_and_nowhere_else(
    billing, sms_channel, customer, workspace, admin_user, dialog_templates
):
    rule = webhook_rule(
        workspace, admin_user, dialog_templates, f"{billing.url}/balance",
        webhook={"auth_header": "X-Api-Key"}, webhook_secret="s3cret-key",
    )  # fmt: skip
    assert "s3cret" not in rule.webhook_secret_encrypted  # encrypted at rest
    message, outcome = inbound(sms_channel, "mi saldo")
    assert outcome == "done"
    (request,) = billing.requests
    assert request["headers"]["X-Api-Key"] == "s3cret-key"
    assert "Authorization" not in request["headers"]
    entry = AuditEntry.objects.filter(action="automation.created", target_id=str(rule.pk)).get()
    assert entry.after["webhook_secret"] == "set" and "s3cret" not in json.dumps(entry.after)


def test_a_credential_is_kept_replaced_or_removed_and_never_two_lines(
    workspace, admin_user, dialog_templates
):
    rule = webhook_rule(
        workspace, admin_user, dialog_templates, "http://127.0.0.1:9/x", webhook_secret="Bearer a"
    )
    rule = rule_service.update_rule(rule=rule, actor=admin_user, data={"name": "Renamed"})
    assert rule.webhook_secret == "Bearer a"  # left out: kept
    rule = rule_service.update_rule(
        rule=rule, actor=admin_user, data={"webhook_secret": "Bearer b"}
    )
    assert rule.webhook_secret == "Bearer b"
    with pytest.raises(RuleRejected) as refused:
        rule_service.update_rule(
            rule=rule, actor=admin_user, data={"webhook_secret": "Bearer c\r\nX-Evil: 1"}
        )
    assert "webhook_secret" in refused.value.errors[0]
    rule.refresh_from_db()
    assert rule.webhook_secret == "Bearer b"
    rule = rule_service.update_rule(rule=rule, actor=admin_user, data={"webhook_secret": ""})
    assert rule.webhook_secret == "" and rule.webhook_secret_encrypted == ""
    # Without a webhook action a rule keeps no credential: it has nowhere to send it.
    rule = rule_service.update_rule(
        rule=rule, actor=admin_user,
        data={"webhook_secret": "Bearer d", "actions": [{"type": "hand_off"}]},
    )  # fmt: skip
    assert rule.webhook_secret == ""
