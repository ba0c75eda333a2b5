"""The built-in sandboxes are off unless asked for: settings, docker-compose and `make run`.

With them on, the fake providers and the phone simulator inject customer messages into
workspaces, so a production install (the settings' default, docker-compose) must not
serve them; `make run`, a local demo, turns them on and says so.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from scripts import run

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = ("SMS_SANDBOX_ENABLED", "RCS_SANDBOX_ENABLED", "WHATSAPP_SANDBOX_ENABLED")


def test_the_settings_leave_both_sandboxes_off_by_default(monkeypatch):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(ROOT / "config" / "settings.py"))
    assert values["SMS_SANDBOX_ENABLED"] is False
    assert values["RCS_SANDBOX_ENABLED"] is False
    assert values["WHATSAPP_SANDBOX_ENABLED"] is False


SANDBOX_URLS = [
    ("get", "/sandbox/phone/"),
    ("get", "/sandbox/phone/thread/"),
    ("post", "/sandbox/phone/send/"),
    ("get", "/sandbox/twilio/control"),
    ("post", "/sandbox/twilio/2010-04-01/Accounts/AC123/Messages.json"),
    ("get", "/sandbox/twilio/2010-04-01/Accounts/AC123.json"),
    ("post", "/sandbox/rbm/token"),
    ("get", "/sandbox/rbm/control"),
    ("get", "/sandbox/rbm/handset/+14155550142"),
    ("get", "/sandbox/rbm/v1/phones/+14155550142/capabilities"),
    ("get", "/sandbox/whatsapp/control"),
    ("post", "/sandbox/whatsapp/v21.0/100000000000001/messages"),
    ("get", "/sandbox/whatsapp/v21.0/100000000000001/message_templates"),
    ("get", "/sandbox/whatsapp/handset/+14155550142"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), SANDBOX_URLS)
def test_every_sandbox_url_is_404_when_off(client, settings, agent, method, path):
    settings.SMS_SANDBOX_ENABLED = False
    settings.RCS_SANDBOX_ENABLED = False
    settings.WHATSAPP_SANDBOX_ENABLED = False
    client.force_login(agent)  # even a signed-in member finds nothing there
    assert getattr(client, method)(path).status_code == 404


@pytest.mark.django_db
def test_the_simulator_is_404_for_an_anonymous_visitor_when_off(client, settings):
    settings.SMS_SANDBOX_ENABLED = False
    assert client.get(reverse("simulator-phone")).status_code == 404


def _compose_environments() -> dict[str, dict]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {name: service.get("environment") or {} for name, service in compose["services"].items()}


def test_docker_compose_does_not_enable_the_sandboxes():
    environments = _compose_environments()
    assert {"web", "worker", "beat"} <= set(environments)
    for service, environment in environments.items():
        if isinstance(environment, list):  # KEY=value form
            environment = dict(item.partition("=")[::2] for item in environment)
        for name in SWITCHES:
            value = str(environment.get(name, "false")).strip().lower()
            assert value in ("false", "0", "no", "off"), f"{service} sets {name}={value}"


def test_make_run_turns_the_sandboxes_on_and_its_banner_says_so(monkeypatch):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    assert run.enable_sandboxes() == list(SWITCHES)
    banner = "\n".join(run.sandbox_banner("http://127.0.0.1:8000/"))
    assert "Sandboxes ON" in banner
    assert "http://127.0.0.1:8000/sandbox/phone/" in banner
    assert "sign in" in banner


def test_make_run_keeps_a_sandbox_the_operator_turned_off(monkeypatch):
    monkeypatch.setenv("SMS_SANDBOX_ENABLED", "false")
    monkeypatch.setenv("RCS_SANDBOX_ENABLED", "false")
    monkeypatch.setenv("WHATSAPP_SANDBOX_ENABLED", "false")
    assert run.enable_sandboxes() == []
    assert "Sandboxes are off" in "\n".join(run.sandbox_banner("http://127.0.0.1:8000/"))
