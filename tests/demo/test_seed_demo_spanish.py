"""The Spanish-speaking demo workspace: Spanish members, Mexican customers writing in
Spanish, channels that answer in Spanish, and the banner listing both workspaces."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.urls import reverse

from inbox.models import ContactIdentity, Membership, Message, Workspace
from members.profile import Profile

from .conftest import run


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def test_spanish_workspace_seeded_once(db):
    out = run("seed_demo_spanish")
    assert out["workspace"] == "demo-mx"
    assert [u["username"] for u in out["users"]] == ["admin-mx", "gerente", "agente"]
    assert {u["workspace"] for u in out["users"]} == {"demo-mx"}
    workspace = Workspace.objects.get(slug="demo-mx")
    assert workspace.language == "es" and workspace.timezone == "America/Mexico_City"
    members = Membership.objects.filter(workspace=workspace)
    assert {p.language for p in Profile.objects.filter(user__in=members.values("user"))} == {"es"}
    phones = set(
        ContactIdentity.objects.filter(workspace=workspace).values_list("value", flat=True)
    )
    assert phones and all(p.startswith("+52") for p in phones)
    texts = set(Message.objects.filter(workspace=workspace).values_list("text", flat=True))
    assert "¿Abren los domingos?" in texts
    channel = workspace.channels.first()
    assert channel.config["customer_language"] == "es"
    before = Message.objects.filter(workspace=workspace).count()
    run("seed_demo_spanish")
    assert Message.objects.filter(workspace=workspace).count() == before


def test_spanish_agent_sees_the_inbox_in_spanish(client, db):
    run("seed_demo_spanish")
    assert client.login(username="agente", password="agente-demo")
    page = client.get(
        reverse("inbox:workspace", args=["demo-mx"]), headers={"accept-language": "en-US"}
    )
    assert page.status_code == 200
    assert "Conversaciones" in page.text and "Mariana López" in page.text


def test_banner_lists_both_workspaces_logins(tmp_path, capsys, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "run_script", Path(__file__).resolve().parents[2] / "scripts" / "run.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    seed = {
        "workspace": "demo",
        "users": [{"username": "agent", "password": "agent-demo-pass", "role": "agent"}],
    }

    class Done:
        returncode = 0
        stdout = (
            '{"workspace": "demo-mx", "users": [{"username": "agente", '
            '"password": "agente-demo", "role": "agent", "workspace": "demo-mx"}]}'
        )

    monkeypatch.setattr(script, "manage", lambda *args, **kwargs: Done())
    merged = script.with_spanish_demo(seed)
    script.print_banner("http://127.0.0.1:8000/", merged, tmp_path)
    banner = capsys.readouterr().out + capsys.readouterr().err
    assert "agent-demo-pass" in banner and "agente-demo" in banner
    assert "demo-mx" in banner and " demo\n" in banner
