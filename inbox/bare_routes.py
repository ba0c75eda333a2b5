"""Machine-facing routes served by Django's URLs and views, without the middleware.

A provider's webhook and a health probe carry no session, cookie or browser: sessions,
auth, CSRF, two-factor, axes, CSP, htmx and messages cost CPU on every one of them and
decide nothing (the views check signatures or answer only facts). At hundreds of webhooks
a second that CPU is what the inbox needs for applying them. config/asgi.py sends every
request under BARE_PREFIXES here; anything else still gets the full stack.

Served over WSGI (the test client, live_server) the same views run behind the full
stack; they answer the same either way (tests/inbound_scale/test_bare_routes.py).
"""

from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

BARE_PREFIXES = ("/webhooks/", "/healthz", "/readyz", "/metrics")


class BareHandler(ASGIHandler):
    """Django's ASGI handler with an empty middleware chain (same URLconf and views)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        get_response = self._get_response_async if is_async else self._get_response
        self._middleware_chain = convert_exception_to_response(get_response)


def is_bare(path: str) -> bool:
    return path.startswith(BARE_PREFIXES)


def with_bare_routes(app):
    """`app`, except that webhook and probe requests skip the middleware."""
    bare = BareHandler()

    async def application(scope, receive, send) -> None:
        if scope["type"] == "http" and is_bare(scope.get("path", "")):
            return await bare(scope, receive, send)
        return await app(scope, receive, send)

    return application
