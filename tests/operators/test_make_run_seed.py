"""`make run` seeds the demo unless SEED_DEMO=false, so the first run can be tried locally."""

from __future__ import annotations

import subprocess

from scripts import run


def fake_manage(calls):
    def manage(*args, capture=False):
        calls.append(args[0])
        out = '{"users": [{"username": "admin", "password": "x", "role": "admin"}]}'
        return subprocess.CompletedProcess(args, 0, stdout=out if capture else None)

    return manage


def test_demo_is_seeded_by_default(monkeypatch, tmp_path):
    calls: list[str] = []
    monkeypatch.delenv("SEED_DEMO", raising=False)
    monkeypatch.setattr(run, "manage", fake_manage(calls))
    monkeypatch.setattr(run, "static_fingerprint", lambda: "same")
    (tmp_path / "staticfiles").mkdir()
    (tmp_path / "staticfiles" / ".fingerprint").write_text("same")
    seed = run.prepare_database(tmp_path)
    # The English demo, then the Spanish-speaking one beside it (its logins join the list).
    assert calls == ["migrate", "seed_demo", "seed_demo_spanish"]
    assert seed["users"][0]["username"] == "admin"


def test_seed_demo_false_skips_the_demo_and_the_banner_points_to_setup(
    monkeypatch, tmp_path, capsys
):
    calls: list[str] = []
    monkeypatch.setenv("SEED_DEMO", "false")
    monkeypatch.setattr(run, "manage", fake_manage(calls))
    monkeypatch.setattr(run, "static_fingerprint", lambda: "same")
    (tmp_path / "staticfiles").mkdir()
    (tmp_path / "staticfiles" / ".fingerprint").write_text("same")
    assert run.prepare_database(tmp_path) == {}
    assert calls == ["migrate"]
    run.print_banner("http://127.0.0.1:8000/", {}, tmp_path)
    banner = capsys.readouterr().out
    assert "SETUP TOKEN" in banner and "Demo logins" not in banner
