"""The lockout attack through a real uvicorn started as `make run` and the Docker image do.

Five wrong passwords, then the right one with a forged X-Forwarded-For: uvicorn used to
believe the header from loopback (`make run`) or from anyone (the Docker command), so the
sign-in came from a "new" address and got in. scripts/web_server.py believes forwarded
headers only from TRUSTED_PROXIES.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import httpx
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from scripts import run, web_server
from tests.support import processes

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _docker_cmd() -> list[str]:
    """The image's CMD, exec form, as the Dockerfile writes it."""
    (line,) = [ln for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln.startswith("CMD")]
    return json.loads(line.removeprefix("CMD"))


def _login(base: str, password: str, forwarded_for: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=10) as client:
        token = CSRF.search(client.get("/accounts/login/").text).group(1)
        return client.post(
            "/accounts/login/",
            data={"username": "alice", "password": password, "csrfmiddlewaretoken": token},
            headers={"X-Forwarded-For": forwarded_for},
        )


def _attack(base: str) -> httpx.Response:
    statuses = [_login(base, "wrong", f"198.51.100.{n + 1}").status_code for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    return _login(base, "pw-alice", "203.0.113.9")


@pytest.fixture
def alice(transactional_db):
    return get_user_model().objects.create_user(username="alice", password="pw-alice")


def _serve(argv: list[str], port: int, **env: str):
    return processes.start_asgi(processes.child_env(PORT=str(port), **env), port, argv=argv)


def test_make_run_web_server_refuses_the_forged_address(alice, monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    port = processes.free_port()
    (web,) = [child for child in run.children(port, ROOT / ".data") if child.name == "web"]
    server = _serve(web.argv, port)
    try:
        response = _attack(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
    assert response.status_code == 429
    assert "sessionid" not in response.cookies
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_docker_image_command_refuses_the_forged_address(alice):
    port = processes.free_port()
    cmd = _docker_cmd()
    assert cmd[:3] == ["python", "-m", "scripts.web_server"]
    # The image listens on every interface; the test stays on loopback.
    argv = [sys.executable, *cmd[1:-1], "127.0.0.1"]
    server = _serve(argv, port, TRUSTED_PROXIES="")
    try:
        response = _attack(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
    assert response.status_code == 429
    assert "sessionid" not in response.cookies


def test_a_configured_proxy_is_believed(alice):
    """Behind a proxy (TRUSTED_PROXIES), the lock records the client it forwarded for."""
    port = processes.free_port()
    argv = web_server.uvicorn_command(
        host="127.0.0.1", port=port, environ={"TRUSTED_PROXIES": "127.0.0.0/8"}
    )
    server = _serve(argv, port)
    try:
        assert _login(f"http://127.0.0.1:{port}", "wrong", "203.0.113.9").status_code == 200
    finally:
        server.stop()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_forwarded_headers_are_off_unless_proxies_are_listed():
    assert web_server.proxy_args({}) == ["--no-proxy-headers"]
    assert web_server.proxy_args({"TRUSTED_PROXIES": " , "}) == ["--no-proxy-headers"]
    assert web_server.proxy_args({"TRUSTED_PROXIES": "10.0.0.2, 172.18.0.0/16"}) == [
        "--proxy-headers",
        "--forwarded-allow-ips",
        "10.0.0.2,172.18.0.0/16",
    ]
