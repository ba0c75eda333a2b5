"""Webhooks and probes skip the middleware under ASGI and answer as through the full stack."""

from __future__ import annotations

import httpx
import pytest

from inbox.bare_routes import is_bare


def test_machine_routes_are_bare_and_pages_are_not():
    assert is_bare("/webhooks/sms/abc/")
    assert is_bare("/healthz") and is_bare("/readyz") and is_bare("/metrics")
    assert not is_bare("/inbox/") and not is_bare("/accounts/login/")


@pytest.mark.asyncio
async def test_healthz_answers_any_host_a_probe_uses():
    """A compose healthcheck calls the container by a name ALLOWED_HOSTS need not list."""
    from config.asgi import application

    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://web:8000") as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "set-cookie" not in response.headers  # no session middleware ran


@pytest.mark.asyncio
async def test_pages_still_get_the_full_stack():
    from config.asgi import application

    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://web:8000") as http:
        response = await http.get("/accounts/login/")
    assert response.status_code == 400  # the host check (middleware) refused "web"
