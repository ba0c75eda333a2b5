"""Production over https: secure cookies, HSTS and the https redirect, from PUBLIC_BASE_URL.

`check --deploy` with the README's production environment used to warn W004 (no HSTS),
W008 (no redirect), W012 and W016 (cookies sent over http). An http PUBLIC_BASE_URL
(`make run`, the tests) must keep all of it off, or the embedded setup would break.
"""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TLS_VARIABLES = (
    "PUBLIC_BASE_URL",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "PROXY_SSL_HEADER",
)


def _readme_production_commands() -> str:
    """The shell block of README's production section, without `docker compose up`."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Production")[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    lines = [ln for ln in block.splitlines() if not ln.startswith("docker compose")]
    assert any("PUBLIC_BASE_URL=https://" in ln for ln in lines), block
    return "\n".join(lines)


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "INBOX_DATA_DIR": str(tmp_path),
        # As docker-compose.yml sets them (nothing connects during the check).
        "DATABASE_URL": "postgres://inbox:inbox@postgres:5432/inbox",
        "REDIS_URL": "redis://redis:6379/0",
        "SMS_SANDBOX_ENABLED": "false",
        "RCS_SANDBOX_ENABLED": "false",
    }
    script = (
        _readme_production_commands()
        + f"\nexec {sys.executable} manage.py check --deploy --fail-level WARNING"
    )
    result = subprocess.run(
        ["sh", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning not in result.stdout + result.stderr


def _settings(monkeypatch, **env: str) -> dict:
    for name in TLS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_an_https_public_url_turns_on_secure_cookies_hsts_and_the_redirect(monkeypatch):
    values = _settings(monkeypatch, PUBLIC_BASE_URL="https://inbox.example.com")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    # uvicorn sets the scheme from TRUSTED_PROXIES; Django trusts no header by default.
    assert "SECURE_PROXY_SSL_HEADER" not in values


def test_an_http_public_url_changes_nothing(monkeypatch):
    values = _settings(monkeypatch, PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_each_tls_setting_can_be_set_on_its_own(monkeypatch):
    values = _settings(
        monkeypatch,
        PUBLIC_BASE_URL="https://inbox.example.com",
        HSTS_SECONDS="3600",
        HSTS_PRELOAD="true",
        PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_pages_redirect_to_https_but_webhooks_are_not_bounced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    page = client.get("/accounts/login/")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/accounts/login/"
    # A provider's POST would come back as a GET after a redirect: it is answered as is
    # (here: an unknown channel token, refused on its merits, not moved).
    webhook = client.post("/webhooks/sms/no-such-token/", {"Body": "hi"})
    assert webhook.status_code != 301
    secure = client.get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
